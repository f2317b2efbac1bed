package org.civicstack.identity.login.sms;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How identity sends login codes ({@code civicstack.identity.sms.*}, env {@code CIVICSTACK_IDENTITY_SMS_*}).
 *
 * @param provider {@code aliyun} (Alibaba Cloud SMS, the default) or {@code local} (logs the code; all-in-one only).
 * @param allInOneRun set to {@code true} by the all-in-one launcher and by nothing else; the only way the
 *         {@code local} provider is accepted. Never set it in a deployment.
 * @param aliyun the Alibaba Cloud SMS account, required when {@code provider} is {@code aliyun}.
 */
@Validated
@ConfigurationProperties(SmsProperties.PREFIX)
public record SmsProperties(@NotNull SmsProvider provider, boolean allInOneRun, @Valid Aliyun aliyun) {

    public static final String PREFIX = "civicstack.identity.sms";

    /** Which adapter sends codes. */
    public enum SmsProvider {
        ALIYUN, LOCAL
    }

    /**
     * Alibaba Cloud SMS ({@code dysmsapi} {@code SendSms}, API version 2017-05-25, RPC signature v1).
     *
     * @param endpoint the API's base URL (default {@code https://dysmsapi.aliyuncs.com/}).
     * @param regionId the {@code RegionId} parameter (default {@code cn-hangzhou}).
     * @param accessKeyId the RAM user's AccessKey ID (env {@code CIVICSTACK_IDENTITY_SMS_ALIYUN_ACCESSKEYID}).
     * @param accessKeySecret its AccessKey secret (env {@code CIVICSTACK_IDENTITY_SMS_ALIYUN_ACCESSKEYSECRET}); never logged.
     * @param signName the approved SMS signature ({@code SignName}), e.g. the city app's name.
     * @param templateCode the approved template ({@code TemplateCode}, {@code SMS_…}) with one variable {@code ${code}}.
     * @param connectTimeout how long to wait for a connection (default 2 s).
     * @param requestTimeout how long to wait for the whole answer (default 5 s); then the send counts as failed.
     */
    public record Aliyun(URI endpoint, String regionId, String accessKeyId, String accessKeySecret, String signName,
            String templateCode, Duration connectTimeout, Duration requestTimeout) {

        public Aliyun {
            endpoint = endpoint == null ? URI.create("https://dysmsapi.aliyuncs.com/") : endpoint;
            regionId = regionId == null || regionId.isBlank() ? "cn-hangzhou" : regionId;
            connectTimeout = connectTimeout == null ? Duration.ofSeconds(2) : connectTimeout;
            requestTimeout = requestTimeout == null ? Duration.ofSeconds(5) : requestTimeout;
        }

        @Override
        public String toString() {
            return "Aliyun[endpoint=" + endpoint + ", regionId=" + regionId + ", accessKeyId=" + accessKeyId
                    + ", accessKeySecret=****, signName=" + signName + ", templateCode=" + templateCode
                    + ", connectTimeout=" + connectTimeout + ", requestTimeout=" + requestTimeout + "]";
        }
    }
}
