package org.civicstack.identity.assurance.verification;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.civicstack.identity.assurance.residentid.ResidentIdNumber;

/**
 * The stored form of a resident ID number: HMAC-SHA256 keyed with {@code id-hash-secret} over its canonical text.
 * Unlike a plain hash it cannot be reversed by hashing the ~10¹¹ plausible numbers without the secret, yet equal
 * numbers give equal hashes, which is all the one-number-one-account rule and the face step need.
 */
public final class IdNumberHasher {

    private final SecretKeySpec key;

    public IdNumberHasher(String secret) {
        this.key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    public byte[] hash(ResidentIdNumber number) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(number.value().getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is unavailable in this JVM", e);
        }
    }
}
