package org.civicstack.payments;

import java.time.Clock;
import java.util.List;

import org.civicstack.payments.channel.PaymentChannel;
import org.civicstack.payments.channel.PaymentChannels;
import org.civicstack.payments.channel.alipay.AlipayChannel;
import org.civicstack.payments.channel.sandbox.SandboxChannel;
import org.civicstack.payments.channel.sandbox.provider.SandboxProvider;
import org.civicstack.payments.channel.sandbox.provider.SandboxProviderSettings;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.civicstack.payments.channel.wechat.WechatPayChannel;
import org.civicstack.payments.citizen.CitizenDirectory;
import org.civicstack.payments.citizen.IdentityCitizenDirectory;
import org.civicstack.payments.merchant.SecretBox;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.reactive.function.client.WebClient;

/** The payments service's own beans: the clock, the secret box, the channel registry and the citizen directory. */
@Configuration(proxyBeanMethods = false)
public class PaymentsConfiguration {

    @Bean
    SecretBox secretBox(PaymentsProperties properties) {
        if ("development".equals(properties.secrets().currentKeyId())) {
            org.slf4j.LoggerFactory.getLogger(PaymentsConfiguration.class).warn("Merchant secrets are sealed with the "
                    + "publicly known development key: fine for a local all-in-one run, never anywhere else "
                    + "(set civicstack.payments.secrets.*)");
        }
        return new SecretBox(properties.secrets().keys(), properties.secrets().currentKeyId());
    }

    /** WeChat Pay API v3, offered when its base URL is set (the default: WeChat's production API). */
    @Bean
    @ConditionalOnProperty("civicstack.payments.channels.wechat-pay-base-url")
    WechatPayChannel wechatPayChannel(PaymentsProperties properties, Clock clock) {
        return new WechatPayChannel(properties.channels().wechatPayBaseUrl(), clock, properties.channels().timeout());
    }

    /** Alipay's open platform gateway, offered when its URL is set (the default: Alipay's production gateway). */
    @Bean
    @ConditionalOnProperty("civicstack.payments.channels.alipay-gateway-url")
    AlipayChannel alipayChannel(PaymentsProperties properties, Clock clock) {
        return new AlipayChannel(properties.channels().alipayGatewayUrl(), clock, properties.channels().timeout());
    }

    /** The all-in-one run's payment provider: a real HTTP provider of its own, in this process, on its own port. */
    @Bean(destroyMethod = "close")
    @ConditionalOnProperty("civicstack.payments.sandbox.embedded")
    SandboxProvider embeddedSandboxProvider(PaymentsProperties properties) {
        SandboxProvider provider = SandboxProvider.start(SandboxProviderSettings.defaults()
                .withPort(properties.sandbox().port()));
        org.slf4j.LoggerFactory.getLogger(PaymentsConfiguration.class).info("Sandbox payment provider listening at {}"
                + " (onboard a merchant: POST {}/v1/merchants)", provider.baseUri(), provider.baseUri());
        return provider;
    }

    /** The sandbox channel, against the embedded provider or the one {@code channels.sandbox-base-url} names. */
    @Bean
    @ConditionalOnExpression("'${civicstack.payments.channels.sandbox-base-url:}' != '' or ${civicstack.payments.sandbox.embedded:false}")
    SandboxChannel sandboxChannel(PaymentsProperties properties, ObjectProvider<SandboxProvider> embedded, Clock clock) {
        java.net.URI base = properties.channels().sandboxBaseUrl() != null ? properties.channels().sandboxBaseUrl()
                : embedded.getObject().baseUri();
        return new SandboxChannel(base, clock, properties.channels().timeout());
    }

    /** Stripe-style idempotency keys for orders and refunds (the table is V2's {@code idempotency_key}). */
    @Bean
    org.civicstack.platform.idempotency.IdempotencyKeys idempotencyKeys(
            org.springframework.r2dbc.core.DatabaseClient db, tools.jackson.databind.json.JsonMapper json) {
        return new org.civicstack.platform.idempotency.IdempotencyKeys(db, json);
    }

    @Bean
    PaymentChannels paymentChannels(List<PaymentChannel> adapters) {
        return new PaymentChannels(adapters);
    }

    @Bean
    @ConditionalOnMissingBean
    CitizenDirectory citizenDirectory(WebClient.Builder builder, PaymentsProperties properties) {
        if (properties.identity() == null || properties.identity().tokenUri() == null) {
            throw new IllegalStateException("civicstack.payments.identity.* (token-uri, base-url, client-id, "
                    + "client-secret) must be set: payments resolves agencies' citizen subjects through identity");
        }
        return new IdentityCitizenDirectory(builder, properties.identity(), properties.channels().timeout());
    }
}
