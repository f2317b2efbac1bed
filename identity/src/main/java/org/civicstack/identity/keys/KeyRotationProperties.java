package org.civicstack.identity.keys;

import java.time.Duration;

import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Signing key rotation ({@code civicstack.identity.keys.*}, env {@code CIVICSTACK_IDENTITY_KEYS_*};
 * docs/identity-keys.md).
 *
 * @param rotationPeriod how long a key signs before the scheduled rotation publishes its successor, e.g. {@code 30d}
 *         (env {@code CIVICSTACK_IDENTITY_KEYS_ROTATION_PERIOD}).
 * @param publishAhead how long a new key is in the JWKS before it signs anything; at least every resource server's
 *         (gateway's) JWKS refresh interval plus {@code refreshInterval} (env {@code CIVICSTACK_IDENTITY_KEYS_PUBLISH_AHEAD}).
 * @param maxTokenLifetime the longest lifetime of anything signed with the key (access tokens, ID tokens,
 *         token-exchange assertions); a key stays in the JWKS this long after it stopped signing, then it is
 *         deleted (env {@code CIVICSTACK_IDENTITY_KEYS_MAX_TOKEN_LIFETIME}).
 * @param refreshInterval how often every identity instance re-reads the keys from PostgreSQL and checks whether a
 *         rotation is due; signing itself never reads the database (env {@code CIVICSTACK_IDENTITY_KEYS_REFRESH_INTERVAL}).
 */
@Validated
@ConfigurationProperties("civicstack.identity.keys")
public record KeyRotationProperties(
        @NotNull @DurationMin(hours = 1) Duration rotationPeriod,
        @NotNull @DurationMin(seconds = 1) Duration publishAhead,
        @NotNull @DurationMin(seconds = 30) Duration maxTokenLifetime,
        @NotNull @DurationMin(seconds = 1) Duration refreshInterval) {

    public KeyRotationProperties {
        rotationPeriod = rotationPeriod == null ? Duration.ofDays(30) : rotationPeriod;
        publishAhead = publishAhead == null ? Duration.ofMinutes(15) : publishAhead;
        maxTokenLifetime = maxTokenLifetime == null ? Duration.ofHours(1) : maxTokenLifetime;
        refreshInterval = refreshInterval == null ? Duration.ofMinutes(1) : refreshInterval;
    }

    /** Every instance must learn of a new key before it starts signing with it. */
    @AssertTrue(message = "publish-ahead must be longer than refresh-interval: every instance has to load a new key "
            + "before it signs")
    public boolean isPublishAheadLongerThanRefresh() {
        return publishAhead == null || refreshInterval == null || publishAhead.compareTo(refreshInterval) > 0;
    }
}
