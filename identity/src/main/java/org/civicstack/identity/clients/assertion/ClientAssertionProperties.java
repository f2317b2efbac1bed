package org.civicstack.identity.clients.assertion;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code private_key_jwt} client authentication ({@code civicstack.identity.client-assertion.*}, env
 * {@code CIVICSTACK_IDENTITY_CLIENTASSERTION_*}). The JWKS URI fetch also obeys {@code civicstack.upstream-network.*}.
 *
 * @param maxLifetime how far ahead of now an assertion's {@code exp} may be (default {@code 5m}); a later one is refused.
 * @param clockSkew tolerance for {@code exp}, {@code nbf} and {@code iat} against identity's clock (default {@code 30s}).
 * @param jwksCacheTtl how long a fetched JWK set is used before it is fetched again (default {@code 5m}).
 * @param jwksRefetchInterval the least time between two fetches of one JWKS URI, also when an assertion names an
 *         unknown {@code kid} (default {@code 30s}): a flood of unknown kids costs the agency's host one fetch.
 * @param jwksConnectTimeout connect timeout of a JWKS fetch (default {@code 2s}).
 * @param jwksReadTimeout read timeout of a JWKS fetch (default {@code 3s}).
 * @param jwksMaxBytes the largest JWK set document accepted (default 65536 bytes).
 */
@Validated
@ConfigurationProperties("civicstack.identity.client-assertion")
public record ClientAssertionProperties(
        @DefaultValue("5m") @DurationMin(seconds = 30) @DurationMax(minutes = 15) Duration maxLifetime,
        @DefaultValue("30s") @DurationMin(seconds = 0) @DurationMax(minutes = 2) Duration clockSkew,
        @DefaultValue("5m") @DurationMin(seconds = 10) @DurationMax(hours = 24) Duration jwksCacheTtl,
        @DefaultValue("30s") @DurationMin(seconds = 1) @DurationMax(hours = 1) Duration jwksRefetchInterval,
        @DefaultValue("2s") @DurationMin(millis = 100) @DurationMax(seconds = 30) Duration jwksConnectTimeout,
        @DefaultValue("3s") @DurationMin(millis = 100) @DurationMax(seconds = 30) Duration jwksReadTimeout,
        @DefaultValue("65536") @Min(1024) @Max(1048576) int jwksMaxBytes) {
}
