package org.civicstack.payments;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the payments service, {@code civicstack.payments.*}.
 *
 * @param publicBaseUrl the platform's public address (the gateway) that channels send notifications to; the
 *                      notification URL of an account is {@code <publicBaseUrl>/v1/payments/notifications/<channel>/<account id>}
 * @param secrets the keys that seal merchant secrets at rest
 * @param idempotencyRetention how long an Idempotency-Key is remembered (at least 24 h, as Stripe keeps them)
 * @param defaultExpiry how long an order stays payable when the agency gives no expiry
 * @param maxExpiry the longest expiry an agency may set
 * @param firstCheck how long after a prepay the sweeper first asks the channel about a payment no notification settled
 * @param checkInterval how often it asks again while the payment stays open
 * @param sweepInterval how often the sweeper looks for due payments and refunds
 * @param identity how payments resolves an agency's pairwise citizen subject through identity
 * @param channels where the channel adapters call
 * @param sandbox the embedded sandbox provider of the all-in-one run
 */
@Validated
@ConfigurationProperties("civicstack.payments")
public record PaymentsProperties(
        @DefaultValue("http://localhost:8080") URI publicBaseUrl,
        Secrets secrets,
        @DefaultValue("25h") Duration idempotencyRetention,
        @DefaultValue("30m") Duration defaultExpiry,
        @DefaultValue("7d") Duration maxExpiry,
        @DefaultValue("30s") Duration firstCheck,
        @DefaultValue("60s") Duration checkInterval,
        @DefaultValue("1s") Duration sweepInterval,
        Identity identity,
        Channels channels,
        Sandbox sandbox) {

    public PaymentsProperties {
        if (idempotencyRetention.compareTo(Duration.ofHours(24)) < 0) {
            throw new IllegalArgumentException("civicstack.payments.idempotency-retention must be at least 24h");
        }
        if (secrets == null) {
            secrets = new Secrets(Map.of(), null);
        }
        if (channels == null) {
            channels = new Channels(null, null, null, Duration.ofSeconds(10));
        }
        if (sandbox == null) {
            sandbox = new Sandbox(false, 8089);
        }
    }

    /**
     * @param embedded start the sandbox provider beside this service (the all-in-one run) and offer the sandbox
     *                 channel against it
     * @param port where the embedded provider listens (0: any free port)
     */
    public record Sandbox(boolean embedded, @DefaultValue("8089") int port) {
    }

    /**
     * @param keys key id → base64 of a 32-byte AES key; old keys stay listed so what they sealed can be opened
     * @param currentKeyId the key new secrets are sealed with
     */
    public record Secrets(Map<String, String> keys, String currentKeyId) {
        public Secrets {
            keys = keys == null ? Map.of() : Map.copyOf(keys);
        }
    }

    /**
     * @param tokenUri identity's token endpoint (client credentials)
     * @param baseUrl identity's base URL for the citizen-reference API
     * @param clientId this service's platform client at identity (scope identity:resolve)
     * @param clientSecret its secret
     */
    public record Identity(URI tokenUri, URI baseUrl, String clientId, String clientSecret) {
    }

    /**
     * @param wechatPayBaseUrl WeChat Pay API v3 (https://api.mch.weixin.qq.com); unset: the channel is not offered
     * @param alipayGatewayUrl Alipay's gateway (https://openapi.alipay.com/gateway.do); unset: not offered
     * @param sandboxBaseUrl the sandbox provider; unset: not offered
     * @param timeout the most any channel call may take before its outcome counts as unknown
     */
    public record Channels(URI wechatPayBaseUrl, URI alipayGatewayUrl, URI sandboxBaseUrl,
            @DefaultValue("10s") Duration timeout) {
    }
}
