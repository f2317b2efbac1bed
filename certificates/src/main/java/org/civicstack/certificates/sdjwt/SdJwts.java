package org.civicstack.certificates.sdjwt;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** Constants and the digest shared by issuer, holder and verifier. */
final class SdJwts {

    static final String TYPE = "dc+sd-jwt";
    static final String KB_TYPE = "kb+jwt";
    static final String SD_ALG = "sha-256";

    private SdJwts() {
    }

    /** base64url(SHA-256(US-ASCII(text))), as SD-JWT digests disclosures and computes {@code sd_hash}. */
    static String digest(String text) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.US_ASCII));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(hash);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("no SHA-256", e);
        }
    }
}
