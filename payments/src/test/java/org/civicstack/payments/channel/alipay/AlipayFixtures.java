package org.civicstack.payments.channel.alipay;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import org.civicstack.payments.channel.ChannelAccount;
import org.civicstack.payments.channel.ChannelKind;

/**
 * Keys made at test time: the app's pair (we sign with its private half, the test checks with the public one)
 * and Alipay's pair (the test plays Alipay and signs answers and notifications with its private half).
 */
final class AlipayFixtures {

    static final String APP_ID = "2021000122600001";
    static final String SELLER_ID = "2088101122136241";
    static final KeyPair APP = generate();
    static final KeyPair ALIPAY = generate();
    static final KeyPair STRANGER = generate();

    private AlipayFixtures() {
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static String base64(java.security.Key key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    static String pem(String label, java.security.Key key) {
        return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(key.getEncoded()) + "\n-----END " + label + "-----\n";
    }

    static Map<String, String> properties() {
        return Map.of(
                AlipayAccount.APP_ID, APP_ID,
                AlipayAccount.APP_PRIVATE_KEY, pem("PRIVATE KEY", APP.getPrivate()),
                AlipayAccount.ALIPAY_PUBLIC_KEY, pem("PUBLIC KEY", ALIPAY.getPublic()));
    }

    static ChannelAccount account() {
        return new ChannelAccount("mca_alipay1", ChannelKind.ALIPAY, SELLER_ID, properties());
    }

    static String sign(String content, PrivateKey key) {
        try {
            Signature signer = Signature.getInstance("SHA256withRSA");
            signer.initSign(key);
            signer.update(content.getBytes(StandardCharsets.UTF_8));
            return Base64.getEncoder().encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    static boolean verifies(String content, String signature, java.security.PublicKey key) {
        try {
            Signature verifier = Signature.getInstance("SHA256withRSA");
            verifier.initVerify(key);
            verifier.update(content.getBytes(StandardCharsets.UTF_8));
            return verifier.verify(Base64.getDecoder().decode(signature));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An Alipay gateway answer: the node text exactly as given, signed by {@code key}. */
    static String answer(String method, String nodeJson, PrivateKey key) {
        return "{\"" + method.replace('.', '_') + "_response\":" + nodeJson + ",\"sign\":\"" + sign(nodeJson, key)
                + "\"}";
    }

    static String answer(String method, String nodeJson) {
        return answer(method, nodeJson, ALIPAY.getPrivate());
    }

    /** A URL-encoded form, decoded in order; the test's own reading, independent of the adapter's. */
    static Map<String, String> decodeForm(String form) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String pair : form.split("&")) {
            int equals = pair.indexOf('=');
            params.put(URLDecoder.decode(pair.substring(0, equals), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(equals + 1), StandardCharsets.UTF_8));
        }
        return params;
    }

    /** Alipay's documented sign content, written out here from the docs rather than taken from the adapter. */
    static String signContent(Map<String, String> params, String... excluded) {
        java.util.Set<String> skip = java.util.Set.of(excluded);
        return new java.util.TreeMap<>(params).entrySet().stream()
                .filter(e -> !skip.contains(e.getKey()) && !e.getValue().isEmpty())
                .map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining("&"));
    }

    static String formEncode(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> java.net.URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + java.net.URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }
}
