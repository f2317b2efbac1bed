package org.civicstack.identity.login;

import java.time.Duration;

import jakarta.validation.Valid;
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
 * The citizen login page's settings ({@code civicstack.identity.login.*}, env {@code CIVICSTACK_IDENTITY_LOGIN_*}).
 *
 * @param codeHashSecret key of the HMAC-SHA256 under which one-time codes are stored; at least 32 random
 *         characters (env {@code CIVICSTACK_IDENTITY_LOGIN_CODEHASHSECRET}). Production MUST set it; the
 *         development default is logged as a warning.
 * @param codeTtl how long a sent code can be entered, e.g. {@code 5m} (30 s to 15 min).
 * @param maxAttempts wrong entries that kill a code: the {@code maxAttempts}-th wrong try ends it (1–10, default 5).
 * @param perNumberBurst codes sent to one number within a short window (default 1 per 60 s).
 * @param perNumberHourly codes sent to one number within a long window (default 5 per hour).
 * @param perAddress codes requested from one client address (the caller's IP) within a window (default 20 per hour).
 */
@Validated
@ConfigurationProperties(LoginProperties.PREFIX)
public record LoginProperties(
        @NotBlank @Size(min = 32) String codeHashSecret,
        @NotNull @DurationMin(seconds = 30) @DurationMax(minutes = 15) Duration codeTtl,
        @Min(1) @Max(10) int maxAttempts,
        @NotNull @Valid SendLimit perNumberBurst,
        @NotNull @Valid SendLimit perNumberHourly,
        @NotNull @Valid SendLimit perAddress) {

    public static final String PREFIX = "civicstack.identity.login";

    /** Shipped in {@code application.yml} for the all-in-one run; publicly known, so identity warns while in use. */
    public static final String DEVELOPMENT_CODE_HASH_SECRET = "insecure-development-only-login-code-hash-secret";

    public boolean usesDevelopmentCodeHashSecret() {
        return DEVELOPMENT_CODE_HASH_SECRET.equals(codeHashSecret);
    }

    @Override
    public String toString() {
        return "LoginProperties[codeHashSecret=****, codeTtl=" + codeTtl + ", maxAttempts=" + maxAttempts
                + ", perNumberBurst=" + perNumberBurst + ", perNumberHourly=" + perNumberHourly + ", perAddress="
                + perAddress + "]";
    }

    /**
     * At most {@code max} sends per {@code window} (a fixed window that starts with the first send).
     *
     * @param max sends allowed in one window, at least 1.
     * @param window the window's length, e.g. {@code 60s} or {@code 1h} (1 s to 1 day).
     */
    public record SendLimit(@Min(1) int max, @NotNull @DurationMin(seconds = 1) @DurationMax(days = 1) Duration window) {
    }
}
