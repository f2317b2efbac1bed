package org.civicstack.identity.keys;

import java.security.PrivateKey;
import java.util.Objects;

/**
 * A key that signs now, private half included; never serialised or logged as a whole.
 *
 * @param kid its key id (RFC 7638 thumbprint), written into every token's header
 * @param series its series, which fixes the algorithm
 * @param privateKey the private half, as the JDK's key object
 */
public record ActiveSigningKey(String kid, KeySeries series, PrivateKey privateKey) {

    public ActiveSigningKey {
        Objects.requireNonNull(kid, "kid");
        Objects.requireNonNull(series, "series");
        Objects.requireNonNull(privateKey, "privateKey");
    }

    public String algorithm() {
        return series.algorithm().getName();
    }

    @Override
    public String toString() {
        return "ActiveSigningKey[kid=" + kid + ", algorithm=" + algorithm() + "]";
    }
}
