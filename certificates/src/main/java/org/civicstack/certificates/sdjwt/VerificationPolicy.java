package org.civicstack.certificates.sdjwt;

import java.time.Duration;
import java.util.Objects;

/**
 * How strict {@link SdJwtVcVerifier} is about time.
 *
 * @param clockSkew          tolerated difference between the issuer's, holder's and our clocks (applied to
 *                           {@code exp}, {@code nbf}, {@code iat})
 * @param keyBindingMaxAge   how old a key-binding JWT's {@code iat} may be (the nonce's lifetime in practice)
 */
public record VerificationPolicy(Duration clockSkew, Duration keyBindingMaxAge) {

    /** 60 s skew, key-binding JWTs at most 5 min old. */
    public static final VerificationPolicy DEFAULT = new VerificationPolicy(Duration.ofSeconds(60), Duration.ofMinutes(5));

    public VerificationPolicy {
        Objects.requireNonNull(clockSkew, "clockSkew");
        Objects.requireNonNull(keyBindingMaxAge, "keyBindingMaxAge");
        if (clockSkew.isNegative() || keyBindingMaxAge.isNegative() || keyBindingMaxAge.isZero()) {
            throw new IllegalArgumentException("durations must not be negative (max age positive)");
        }
    }
}
