package org.civicstack.payments.channel.alipay;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Alipay's RSA2 scheme: SHA256withRSA (PKCS#1 v1.5) over UTF-8 text, signature in standard base64. The text is
 * either a parameter set in canonical form ({@link #content}) — requests we send, order strings, asynchronous
 * notifications — or the raw JSON of a response node. The canonical form is the SDK's
 * {@code AlipaySignature.getSignContent}: empty values dropped, keys sorted, raw {@code k=v} pairs joined by
 * {@code &}; no URL encoding.
 */
final class AlipaySignatures {

    static final String RSA2 = "RSA2";
    private static final String ALGORITHM = "SHA256withRSA";

    private AlipaySignatures() {
    }

    /** The canonical text of {@code params} without the keys in {@code excluded}. */
    static String content(Map<String, String> params, Set<String> excluded) {
        return new TreeMap<>(params).entrySet().stream()
                .filter(e -> !excluded.contains(e.getKey()))
                .filter(e -> e.getKey() != null && !e.getKey().isEmpty())
                .filter(e -> e.getValue() != null && !e.getValue().isEmpty())
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&"));
    }

    static String sign(String content, PrivateKey key) {
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(key);
            signer.update(content.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("RSA2 signing failed", e);
        }
    }

    /** False for a signature that does not verify, is not base64 or is missing; never throws for bad input. */
    static boolean verify(String content, String signature, PublicKey key) {
        if (signature == null || signature.isEmpty()) {
            return false;
        }
        try {
            byte[] raw = Base64.getMimeDecoder().decode(signature);
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(content.getBytes(StandardCharsets.UTF_8));
            return verifier.verify(raw);
        } catch (IllegalArgumentException | GeneralSecurityException e) {
            return false;
        }
    }
}
