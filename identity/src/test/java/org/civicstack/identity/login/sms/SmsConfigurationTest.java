package org.civicstack.identity.login.sms;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;

import org.civicstack.identity.login.sms.SmsProperties.SmsProvider;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** The provider choice fails fast and clearly when it cannot work. */
class SmsConfigurationTest {

    final SmsConfiguration configuration = new SmsConfiguration();
    final JsonMapper json = JsonMapper.builder().build();

    @Test
    void theLocalAdapterIsRefusedOutsideTheAllInOneRun() {
        assertThatThrownBy(() -> configuration.smsSender(new SmsProperties(SmsProvider.LOCAL, false, null), json))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("only for the all-in-one run")
                .hasMessageContaining("civicstack.identity.sms.provider=aliyun");
    }

    @Test
    void theLocalAdapterIsUsedInTheAllInOneRun() {
        assertThat(configuration.smsSender(new SmsProperties(SmsProvider.LOCAL, true, null), json))
                .isInstanceOf(LocalSmsSender.class);
    }

    @Test
    void aliyunWithoutCredentialsNamesTheMissingSetting() {
        SmsProperties.Aliyun account = new SmsProperties.Aliyun(null, null, "id", " ", "sign", "SMS_1", null, null);

        assertThatThrownBy(() -> configuration.smsSender(new SmsProperties(SmsProvider.ALIYUN, false, account), json))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("civicstack.identity.sms.aliyun.access-key-secret")
                .hasMessageContaining("CIVICSTACK_IDENTITY_SMS_ALIYUN_ACCESSKEYSECRET");
    }

    @Test
    void aCompleteAliyunAccountGivesTheAliyunAdapterWithTheDocumentedDefaults() {
        SmsProperties.Aliyun account = new SmsProperties.Aliyun(null, null, "id", "secret", "sign", "SMS_1", null, null);

        SmsSender sender = configuration.smsSender(new SmsProperties(SmsProvider.ALIYUN, false, account), json);

        assertThat(sender).isInstanceOf(AliyunSmsSender.class);
        assertThat(((AliyunSmsSender) sender).endpoint()).isEqualTo(URI.create("https://dysmsapi.aliyuncs.com/"));
        assertThat(account.toString()).doesNotContain("secret,").contains("accessKeySecret=****");
    }
}
