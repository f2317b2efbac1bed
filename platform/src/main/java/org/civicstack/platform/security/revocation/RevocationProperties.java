package org.civicstack.platform.security.revocation;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How a service follows identity's revocations ({@code civicstack.security.revocation.*}; docs/revocation.md). The
 * same settings for the gateway and every reactive resource server.
 *
 * @param enabled whether the service follows the revocation stream and refuses revoked tokens (default
 *        {@code true}); {@code false} leaves revoked tokens valid until they expire — for tests of other concerns
 * @param poll how often the revocation stream is read (default {@code 100ms}: revocations apply within ~0.1 s)
 * @param retention how far back a starting service reads; at least the longest access-token lifetime plus skew
 *        (default {@code 15m})
 * @param staleness reads failing for longer than this make the deny-list not current (default {@code 5s})
 * @param unverifiedMaxAge while the deny-list is not current, tokens issued less than this ago still pass and
 *        older ones are refused (default {@code 60s})
 */
@ConfigurationProperties(RevocationProperties.PREFIX)
public record RevocationProperties(Boolean enabled, Duration poll, Duration retention, Duration staleness,
        Duration unverifiedMaxAge) {

    public static final String PREFIX = "civicstack.security.revocation";

    public RevocationProperties {
        enabled = enabled == null || enabled;
        poll = poll == null ? Duration.ofMillis(100) : poll;
        retention = retention == null ? Duration.ofMinutes(15) : retention;
        staleness = staleness == null ? Duration.ofSeconds(5) : staleness;
        unverifiedMaxAge = unverifiedMaxAge == null ? Duration.ofSeconds(60) : unverifiedMaxAge;
    }
}
