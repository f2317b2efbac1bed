package org.civicstack.identity.login.sms;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * Picks the {@link SmsSender} named by {@code civicstack.identity.sms.provider}, failing identity's start with a
 * clear message when the choice cannot work: {@code local} outside the all-in-one run, or an incomplete Aliyun
 * account.
 */
@Configuration(proxyBeanMethods = false)
class SmsConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SmsConfiguration.class);

    @Bean
    SmsSender smsSender(SmsProperties properties, JsonMapper json) {
        return switch (properties.provider()) {
            case LOCAL -> local(properties);
            case ALIYUN -> aliyun(properties, json);
        };
    }

    private static SmsSender local(SmsProperties properties) {
        if (!properties.allInOneRun()) {
            throw new IllegalStateException("civicstack.identity.sms.provider=local writes login codes to the log and "
                    + "is only for the all-in-one run (./civicstack), which turns it on itself. Configure a real "
                    + "provider instead: civicstack.identity.sms.provider=aliyun with civicstack.identity.sms.aliyun.* "
                    + "(see docs/identity-citizen-login.md).");
        }
        log.warn("SMS provider is LOCAL: login codes are written to this log and no SMS is sent. All-in-one run only.");
        return new LocalSmsSender();
    }

    private static SmsSender aliyun(SmsProperties properties, JsonMapper json) {
        SmsProperties.Aliyun account = properties.aliyun();
        if (account == null) {
            throw missing("access-key-id");
        }
        require(account.accessKeyId(), "access-key-id");
        require(account.accessKeySecret(), "access-key-secret");
        require(account.signName(), "sign-name");
        require(account.templateCode(), "template-code");
        log.info("SMS provider: Aliyun SMS at {} (AccessKey {}, template {})", account.endpoint(),
                account.accessKeyId(), account.templateCode());
        return new AliyunSmsSender(account, json, Clock.systemUTC());
    }

    private static void require(String value, String field) {
        if (value == null || value.isBlank()) {
            throw missing(field);
        }
    }

    private static IllegalStateException missing(String field) {
        String env = "CIVICSTACK_IDENTITY_SMS_ALIYUN_" + field.replace("-", "").toUpperCase(java.util.Locale.ROOT);
        return new IllegalStateException("civicstack.identity.sms.aliyun." + field + " (env " + env + ") is missing: "
                + "the Aliyun SMS provider (civicstack.identity.sms.provider=aliyun, the default) needs access-key-id, "
                + "access-key-secret, sign-name and template-code; see docs/identity-citizen-login.md");
    }
}
