package org.civicstack.payments.channel.sandbox.provider;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.util.Base64;

import org.civicstack.platform.security.jose.Ed25519;

/**
 * The provider's own Ed25519 key, made when it starts and never stored: it signs every answer to a merchant call
 * and every notification, and its public half is published at {@code GET /v1/keys} and handed out at onboarding.
 * Signing goes through the platform's {@link Ed25519} (native AWS-LC where it loads, ~20 µs), which is what lets
 * one provider sign thousands of answers and notifications a second.
 */
final class ProviderSigner {

    private static final Base64.Encoder BASE64 = Base64.getEncoder();

    private final KeyPair keys = Ed25519.generate();
    private final String publicKeyText = BASE64.encodeToString(keys.getPublic().getEncoded());

    /** Base64 of the X.509 SubjectPublicKeyInfo (what {@code KeyFactory("Ed25519")} reads). */
    String publicKey() {
        return publicKeyText;
    }

    /** Base64 of the signature over {@code first.second.body}. */
    String sign(String first, String second, byte[] body) {
        byte[] prefix = (first + "." + second + ".").getBytes(StandardCharsets.UTF_8);
        byte[] message = new byte[prefix.length + body.length];
        System.arraycopy(prefix, 0, message, 0, prefix.length);
        System.arraycopy(body, 0, message, prefix.length, body.length);
        try {
            return BASE64.encodeToString(Ed25519.DEFAULT.sign(keys.getPrivate(), message));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the provider key", e);
        }
    }
}
