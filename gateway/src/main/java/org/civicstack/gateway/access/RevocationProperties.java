package org.civicstack.gateway.access;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the gateway follows identity's revocations ({@code civicstack.gateway.revocation.*}; docs/revocation.md).
 *
 * @param poll how often the revocation stream is read (default {@code 100ms}: revocations apply within ~0.1 s)
 * @param retention how far back a starting gateway reads; at least the longest access-token lifetime plus skew
 *        (default {@code 15m})
 * @param staleness reads failing for longer than this make the deny-list not current (default {@code 5s})
 * @param unverifiedMaxAge while the deny-list is not current, tokens issued less than this ago still pass and
 *        older ones are refused (default {@code 60s})
 */
@ConfigurationProperties("civicstack.gateway.revocation")
public record RevocationProperties(Duration poll, Duration retention, Duration staleness, Duration unverifiedMaxAge) {

    public RevocationProperties {
        poll = poll == null ? Duration.ofMillis(100) : poll;
        retention = retention == null ? Duration.ofMinutes(15) : retention;
        staleness = staleness == null ? Duration.ofSeconds(5) : staleness;
        unverifiedMaxAge = unverifiedMaxAge == null ? Duration.ofSeconds(60) : unverifiedMaxAge;
    }
}
