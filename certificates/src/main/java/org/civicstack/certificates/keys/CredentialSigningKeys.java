package org.civicstack.certificates.keys;

import com.nimbusds.jose.jwk.JWKSet;

/**
 * The issuer's credential signing keys.
 *
 * <p>What callers may rely on: {@link #current()} is the key new credentials and status list tokens are signed with;
 * {@link #verificationKeys()} holds the public half of the current key <em>and</em> of every earlier key that has not
 * been retired, so credentials signed before a {@link #rotate() rotation} keep verifying for their lifetime. A key is
 * in the JWKS from the moment it is current.
 */
public interface CredentialSigningKeys {

    /** The key to sign with now. */
    SigningKey current();

    /** Public keys of the current and all not-yet-retired earlier keys, each with its {@code kid}. */
    JWKSet verificationKeys();

    /** Makes a new key current; the previous ones stay in {@link #verificationKeys()}. */
    SigningKey rotate();

    /** Removes an old key from {@link #verificationKeys()} (once nothing it signed is still valid); never the current one. */
    void retire(String keyId);
}
