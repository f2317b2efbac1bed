package org.civicstack.payments.channel.wechat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The WeChat Pay API v3 cryptography, all of it on the JDK: SHA256withRSA signatures over the v3 message formats,
 * AES-256-GCM for notification resources, SHA-1 for bill files, and PEM key parsing. Kept in one place so that each
 * format ({@code a\nb\nc\n}) is written exactly once.
 */
final class WechatPayCrypto {

    /** WeChat signs with RSA 2048 or larger; anything shorter is not a key WeChat issues. */
    static final int MIN_RSA_BITS = 2048;

    private static final String SIGNATURE_ALGORITHM = "SHA256withRSA";
    private static final int GCM_TAG_BITS = 128;
    private static final char[] NONCE_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".toCharArray();
    private static final Pattern PEM = Pattern.compile(
            "-----BEGIN ([A-Z ]+)-----([A-Za-z0-9+/=\\s]+)-----END \\1-----");
    private static final SecureRandom RANDOM = new SecureRandom();

    private WechatPayCrypto() {
    }

    /** A random 32-character nonce in the alphabet WeChat's own SDKs use. */
    static String nonce() {
        char[] nonce = new char[32];
        for (int i = 0; i < nonce.length; i++) {
            nonce[i] = NONCE_ALPHABET[RANDOM.nextInt(NONCE_ALPHABET.length)];
        }
        return new String(nonce);
    }

    /** The v3 message: each part followed by a newline, bytes as they are (a body is never re-encoded). */
    static byte[] message(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object part : parts) {
            byte[] bytes = part instanceof byte[] raw ? raw : part.toString().getBytes(StandardCharsets.UTF_8);
            out.writeBytes(bytes);
            out.write('\n');
        }
        return out.toByteArray();
    }

    /** Base64 SHA256withRSA over {@code message}. */
    static String sign(PrivateKey key, byte[] message) {
        try {
            Signature signature = Signature.getInstance(SIGNATURE_ALGORITHM);
            signature.initSign(key);
            signature.update(message);
            return Base64.getEncoder().encodeToString(signature.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot sign with the merchant key", e);
        }
    }

    /** True only when {@code signatureBase64} is a valid SHA256withRSA signature of {@code message} by {@code key}. */
    static boolean verify(PublicKey key, byte[] message, String signatureBase64) {
        byte[] signatureBytes;
        try {
            signatureBytes = Base64.getDecoder().decode(signatureBase64);
        } catch (IllegalArgumentException e) {
            return false;
        }
        try {
            Signature signature = Signature.getInstance(SIGNATURE_ALGORITHM);
            signature.initVerify(key);
            signature.update(message);
            return signature.verify(signatureBytes);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * Decrypt a notification resource: AES-256-GCM with the APIv3 key, the nonce's UTF-8 bytes as IV, the associated
     * data as AAD, and the 16-byte tag appended to the ciphertext (which is how WeChat sends it).
     *
     * @throws GeneralSecurityException when the tag does not verify (wrong key, altered ciphertext, nonce or AAD)
     */
    static byte[] decryptResource(byte[] apiV3Key, String nonce, String associatedData, String ciphertextBase64)
            throws GeneralSecurityException {
        byte[] ciphertext;
        try {
            ciphertext = Base64.getDecoder().decode(ciphertextBase64);
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("ciphertext is not base64", e);
        }
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(Cipher.DECRYPT_MODE, new SecretKeySpec(apiV3Key, "AES"),
                new GCMParameterSpec(GCM_TAG_BITS, nonce.getBytes(StandardCharsets.UTF_8)));
        if (associatedData != null) {
            cipher.updateAAD(associatedData.getBytes(StandardCharsets.UTF_8));
        }
        return cipher.doFinal(ciphertext);
    }

    /** Lower-case hex SHA-1, the hash WeChat publishes for bill files. */
    static String sha1Hex(byte[] content) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(content));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no SHA-1", e);
        }
    }

    /** An RSA private key from a PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), the form WeChat's merchant tool writes. */
    static PrivateKey privateKey(String pem) throws GeneralSecurityException {
        byte[] der = pemBody(pem, "PRIVATE KEY");
        PrivateKey key = KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
        requireSize(key);
        return key;
    }

    /**
     * An RSA public key from either a {@code BEGIN PUBLIC KEY} PEM (WeChat Pay public key mode) or a
     * {@code BEGIN CERTIFICATE} PEM (platform certificate mode).
     */
    static PublicKey publicKey(String pem) throws GeneralSecurityException {
        Matcher matcher = PEM.matcher(pem.strip());
        if (!matcher.matches()) {
            throw new GeneralSecurityException("not a PEM block");
        }
        byte[] der = decodePemBase64(matcher.group(2));
        PublicKey key = switch (matcher.group(1)) {
            case "PUBLIC KEY" -> KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
            case "CERTIFICATE" -> CertificateFactory.getInstance("X.509")
                    .generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
            default -> throw new GeneralSecurityException("PEM holds " + matcher.group(1) + ", not a public key");
        };
        if (!"RSA".equals(key.getAlgorithm())) {
            throw new GeneralSecurityException("not an RSA key: " + key.getAlgorithm());
        }
        requireSize(key);
        return key;
    }

    private static byte[] pemBody(String pem, String type) throws GeneralSecurityException {
        Matcher matcher = PEM.matcher(pem.strip());
        if (!matcher.matches() || !matcher.group(1).equals(type)) {
            throw new GeneralSecurityException("not a " + type + " PEM block");
        }
        return decodePemBase64(matcher.group(2));
    }

    private static byte[] decodePemBase64(String text) throws GeneralSecurityException {
        try {
            return Base64.getMimeDecoder().decode(text.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new GeneralSecurityException("PEM body is not base64", e);
        }
    }

    private static void requireSize(Object key) throws GeneralSecurityException {
        if (key instanceof RSAKey rsa && rsa.getModulus().bitLength() < MIN_RSA_BITS) {
            throw new GeneralSecurityException("RSA key shorter than " + MIN_RSA_BITS + " bits");
        }
    }
}
