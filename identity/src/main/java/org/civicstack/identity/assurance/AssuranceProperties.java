package org.civicstack.identity.assurance;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How citizens raise their assurance level ({@code civicstack.identity.assurance.*}, env
 * {@code CIVICSTACK_IDENTITY_ASSURANCE_*}); see {@code docs/identity-assurance.md}.
 *
 * @param idHashSecret key of the HMAC-SHA256 that turns a resident ID number into the stored keyed hash; at least 32
 *         random characters; changing it unbinds every stored number (env {@code ..._ID_HASH_SECRET}). Production MUST set it.
 * @param nameEncryptionSecret secret the AES-256-GCM key protecting verified names at rest is derived from; at least
 *         32 random characters; changing it makes stored names unreadable (env {@code ..._NAME_ENCRYPTION_SECRET}).
 * @param attemptsPerDay verification attempts a citizen may make per kind (identity, face) in any 24 hours; attempts
 *         the provider could not answer do not count (env {@code ..._ATTEMPTS_PER_DAY}).
 * @param realName the real-name authority adapter (level 2).
 * @param face the face verification provider adapter (level 3).
 */
@Validated
@ConfigurationProperties(AssuranceProperties.PREFIX)
public record AssuranceProperties(
        @NotBlank @Size(min = 32) String idHashSecret,
        @NotBlank @Size(min = 32) String nameEncryptionSecret,
        @Min(1) @Max(100) int attemptsPerDay,
        @NotNull @Valid RealName realName,
        @NotNull @Valid Face face) {

    public static final String PREFIX = "civicstack.identity.assurance";

    /** Shipped in application.yml for the all-in-one run; publicly known, so identity warns while it is in use. */
    public static final String DEVELOPMENT_ID_HASH_SECRET = "insecure-development-only-id-number-hash-secret";
    /** Shipped in application.yml for the all-in-one run; publicly known, so identity warns while it is in use. */
    public static final String DEVELOPMENT_NAME_ENCRYPTION_SECRET = "insecure-development-only-name-encryption-secret";

    public boolean usesDevelopmentIdHashSecret() {
        return DEVELOPMENT_ID_HASH_SECRET.equals(idHashSecret);
    }

    public boolean usesDevelopmentNameEncryptionSecret() {
        return DEVELOPMENT_NAME_ENCRYPTION_SECRET.equals(nameEncryptionSecret);
    }

    @Override
    public String toString() {
        return "AssuranceProperties[idHashSecret=****, nameEncryptionSecret=****, attemptsPerDay=" + attemptsPerDay
                + ", realName=" + realName + ", face=" + face + "]";
    }

    /**
     * The real-name authority's HTTP API ({@code civicstack.identity.assurance.real-name.*}).
     *
     * @param baseUrl base URL of the gateway in front of the authority, e.g. {@code https://idv.example.cn}; the
     *         adapter POSTs to {@code <baseUrl>/v2/identity/verify}.
     * @param appKey the application key the provider issued, sent as {@code X-Ca-Key}.
     * @param appSecret the secret the request signature (HMAC-SHA256) is keyed with; never sent.
     * @param connectTimeout how long to wait for a TCP/TLS connection, e.g. {@code 2s}.
     * @param requestTimeout how long to wait for the whole answer once connected, e.g. {@code 5s}.
     */
    public record RealName(
            @NotNull URI baseUrl,
            @NotBlank String appKey,
            @NotBlank String appSecret,
            @NotNull @DurationMin(millis = 100) @DurationMax(seconds = 30) Duration connectTimeout,
            @NotNull @DurationMin(millis = 100) @DurationMax(seconds = 60) Duration requestTimeout) {

        @Override
        public String toString() {
            return "RealName[baseUrl=" + baseUrl + ", appKey=" + appKey + ", appSecret=****, connectTimeout="
                    + connectTimeout + ", requestTimeout=" + requestTimeout + "]";
        }
    }

    /**
     * The face verification provider's HTTP API ({@code civicstack.identity.assurance.face.*}).
     *
     * @param baseUrl base URL of the provider, e.g. {@code https://faceid.example.cn}; the adapter POSTs to
     *         {@code <baseUrl>/v2/face/init} and {@code <baseUrl>/v2/face/describe}.
     * @param appKey the application key the provider issued, sent as {@code X-Ca-Key}.
     * @param appSecret the secret the request signature (HMAC-SHA256) is keyed with; never sent.
     * @param scene the provider's scene / product id the app SDK was configured with.
     * @param matchThreshold minimum similarity score (0–100) between the live face and the authority's photo for
     *         level 3, e.g. {@code 80}; liveness must pass as well.
     * @param connectTimeout how long to wait for a TCP/TLS connection, e.g. {@code 2s}.
     * @param requestTimeout how long to wait for the whole answer once connected, e.g. {@code 5s}.
     */
    public record Face(
            @NotNull URI baseUrl,
            @NotBlank String appKey,
            @NotBlank String appSecret,
            @NotBlank String scene,
            @DecimalMin("50") @DecimalMax("100") double matchThreshold,
            @NotNull @DurationMin(millis = 100) @DurationMax(seconds = 30) Duration connectTimeout,
            @NotNull @DurationMin(millis = 100) @DurationMax(seconds = 60) Duration requestTimeout) {

        @Override
        public String toString() {
            return "Face[baseUrl=" + baseUrl + ", appKey=" + appKey + ", appSecret=****, scene=" + scene
                    + ", matchThreshold=" + matchThreshold + ", connectTimeout=" + connectTimeout
                    + ", requestTimeout=" + requestTimeout + "]";
        }
    }
}
