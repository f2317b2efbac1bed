package org.civicstack.identity.login;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The stored form of a code: HMAC-SHA256 under the configured secret over {@code <challenge id>:<code>}. Binding the
 * challenge id makes two equal codes hash differently; the key makes a stolen table useless for guessing offline
 * (one million codes would otherwise be a trivial search).
 */
final class LoginCodeHasher {

    private final SecretKeySpec key;

    LoginCodeHasher(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    byte[] hash(LoginChallengeId challenge, OneTimeCode code) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal((challenge + ":" + code.reveal()).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /** Keyed hash of any text (e.g. a number for a rate-limit key), so Redis never holds the number itself. */
    String pseudonym(String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal(("pseudonym:" + text).getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(digest, 0, 16);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    boolean matches(LoginChallengeId challenge, OneTimeCode code, byte[] stored) {
        return MessageDigest.isEqual(hash(challenge, code), stored);
    }
}
