package org.civicstack.identity.session;

import java.time.Duration;

import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Citizen sessions and refresh tokens ({@code civicstack.identity.sessions.*}, env
 * {@code CIVICSTACK_IDENTITY_SESSIONS_*}).
 *
 * @param refreshTokenTtl lifetime of each refresh token issued to the citizen app; every refresh returns a new one
 *         with a fresh lifetime (env {@code CIVICSTACK_IDENTITY_SESSIONS_REFRESH_TOKEN_TTL}, default {@code 14d}).
 * @param absoluteLifetime how long a login lasts at most, however often it is refreshed; after it the citizen logs in
 *         again (env {@code CIVICSTACK_IDENTITY_SESSIONS_ABSOLUTE_LIFETIME}, default {@code 90d}).
 * @param purgeInterval how often fingerprints of used refresh tokens past their lifetime are deleted
 *         (env {@code CIVICSTACK_IDENTITY_SESSIONS_PURGE_INTERVAL}, default {@code 1h}).
 */
@Validated
@ConfigurationProperties(SessionProperties.PREFIX)
public record SessionProperties(
        @NotNull @DurationMin(minutes = 1) Duration refreshTokenTtl,
        @NotNull @DurationMin(minutes = 1) Duration absoluteLifetime,
        @NotNull @DurationMin(seconds = 1) Duration purgeInterval) {

    public static final String PREFIX = "civicstack.identity.sessions";

    public SessionProperties {
        refreshTokenTtl = refreshTokenTtl == null ? Duration.ofDays(14) : refreshTokenTtl;
        absoluteLifetime = absoluteLifetime == null ? Duration.ofDays(90) : absoluteLifetime;
        purgeInterval = purgeInterval == null ? Duration.ofHours(1) : purgeInterval;
        if (absoluteLifetime.compareTo(refreshTokenTtl) < 0) {
            throw new IllegalArgumentException(PREFIX + ".absolute-lifetime (" + absoluteLifetime
                    + ") must be at least " + PREFIX + ".refresh-token-ttl (" + refreshTokenTtl + ")");
        }
    }
}
