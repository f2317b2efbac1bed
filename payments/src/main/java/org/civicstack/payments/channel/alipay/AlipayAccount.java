package org.civicstack.payments.channel.alipay;

import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.civicstack.platform.error.FieldViolation;

/**
 * One Alipay merchant account with its keys parsed: the adapter's view of a {@code ChannelAccount}. Parsing is the
 * validation, so what {@link #violations} accepts is exactly what {@link #parse} can use.
 *
 * @param appId the open-platform application ({@code app_id}) the calls are made as
 * @param sellerId the merchant's partner id ({@code seller_id}, {@code 2088…}) the money goes to
 */
record AlipayAccount(String appId, String sellerId, PrivateKey appPrivateKey, PublicKey alipayPublicKey) {

    static final String APP_ID = "app_id";
    static final String APP_PRIVATE_KEY = "app_private_key";
    static final String ALIPAY_PUBLIC_KEY = "alipay_public_key";

    /** Alipay application ids and partner ids are 16 digits; partner ids start with 2088. */
    private static final Pattern APP_ID_FORM = Pattern.compile("\\d{16}");
    private static final Pattern SELLER_ID_FORM = Pattern.compile("2088\\d{12}");
    /** Alipay's key tool makes 2048-bit RSA keys; a shorter key is refused rather than used. */
    private static final int MIN_RSA_BITS = 2048;

    @Override
    public String toString() {
        return "AlipayAccount[" + appId + ", " + sellerId + "]"; // never the private key
    }

    /** @throws IllegalStateException when the stored account does not parse (validate() prevents this) */
    static AlipayAccount parse(String merchantId, Map<String, String> properties) {
        List<FieldViolation> violations = violations(merchantId, properties);
        if (!violations.isEmpty()) {
            throw new IllegalStateException("Alipay account is not usable: " + violations);
        }
        return new AlipayAccount(properties.get(APP_ID).strip(), merchantId.strip(),
                privateKey(properties.get(APP_PRIVATE_KEY)), publicKey(properties.get(ALIPAY_PUBLIC_KEY)));
    }

    static List<FieldViolation> violations(String merchantId, Map<String, String> properties) {
        List<FieldViolation> violations = new ArrayList<>();
        if (merchantId == null || !SELLER_ID_FORM.matcher(merchantId.strip()).matches()) {
            violations.add(new FieldViolation("merchant_id", "malformed",
                    "the Alipay partner id (seller_id) is 16 digits starting with 2088"));
        }
        String appId = properties.get(APP_ID);
        if (appId == null || appId.isBlank()) {
            violations.add(missing(APP_ID));
        } else if (!APP_ID_FORM.matcher(appId.strip()).matches()) {
            violations.add(new FieldViolation(field(APP_ID), "malformed", "the Alipay app_id is 16 digits"));
        }
        String privatePem = properties.get(APP_PRIVATE_KEY);
        if (privatePem == null || privatePem.isBlank()) {
            violations.add(missing(APP_PRIVATE_KEY));
        } else {
            try {
                requireStrong(privateKey(privatePem), APP_PRIVATE_KEY);
            } catch (IllegalArgumentException e) {
                violations.add(new FieldViolation(field(APP_PRIVATE_KEY), "malformed", e.getMessage()));
            }
        }
        String publicPem = properties.get(ALIPAY_PUBLIC_KEY);
        if (publicPem == null || publicPem.isBlank()) {
            violations.add(missing(ALIPAY_PUBLIC_KEY));
        } else {
            try {
                requireStrong(publicKey(publicPem), ALIPAY_PUBLIC_KEY);
            } catch (IllegalArgumentException e) {
                violations.add(new FieldViolation(field(ALIPAY_PUBLIC_KEY), "malformed", e.getMessage()));
            }
        }
        return violations;
    }

    private static void requireStrong(Object key, String name) {
        if (((RSAKey) key).getModulus().bitLength() < MIN_RSA_BITS) {
            throw new IllegalArgumentException(name + " must be an RSA key of at least " + MIN_RSA_BITS + " bits");
        }
    }

    private static String field(String name) {
        return "properties." + name;
    }

    private static FieldViolation missing(String name) {
        return new FieldViolation(field(name), "required", name + " is required");
    }

    /** PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}) or the bare base64 Alipay's key tool prints. */
    static PrivateKey privateKey(String pem) {
        if (pem.contains("BEGIN RSA PRIVATE KEY")) {
            throw new IllegalArgumentException("app_private_key is PKCS#1; convert it to PKCS#8 (BEGIN PRIVATE KEY)");
        }
        try {
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der(pem, "PRIVATE KEY")));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("app_private_key is not a PKCS#8 RSA private key");
        }
    }

    /** X.509 SubjectPublicKeyInfo ({@code -----BEGIN PUBLIC KEY-----}) or bare base64, as Alipay's console shows it. */
    static PublicKey publicKey(String pem) {
        try {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der(pem, "PUBLIC KEY")));
        } catch (GeneralSecurityException | ClassCastException e) {
            throw new IllegalArgumentException("alipay_public_key is not an X.509 RSA public key");
        }
    }

    private static byte[] der(String pem, String label) {
        String body = pem.strip();
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        if (body.startsWith("-----")) {
            if (!body.startsWith(begin) || !body.endsWith(end)) {
                throw new IllegalArgumentException("expected a PEM block labelled " + label);
            }
            body = body.substring(begin.length(), body.length() - end.length());
        }
        try {
            return Base64.getMimeDecoder().decode(body.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the key is not base64");
        }
    }
}
