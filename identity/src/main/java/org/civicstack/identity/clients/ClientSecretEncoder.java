package org.civicstack.identity.clients;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * Client secrets at rest: salted SHA-256 ({@code {sha256-salted}<salt>$<digest>}, both Base64), compared in
 * constant time. A client secret is not a password: every one is at least {@value ClientSecret#MIN_LENGTH}
 * random characters (docs/identity-clients.md), so guessing it from a stolen hash is infeasible without any key
 * stretching, and the stretching BCrypt adds (NIST SP 800-63B §5.1.1.2 is about memorised, low-entropy secrets)
 * cost 50–100 ms of CPU on every token request (bench/identity-tokens/README.md). The random per-secret salt
 * keeps two clients with the same secret from having the same hash.
 *
 * <p>{@link #delegating()} encodes new secrets this way and still matches the {@code {bcrypt}…} hashes stored before; {@code upgradeEncoding} is true for those, so they are re-encoded on the
 * next registration of the client (bootstrap clients: the next start) or, by Spring Authorization Server, on
 * the client's next successful authentication.
 */
public final class ClientSecretEncoder implements PasswordEncoder {

    /** The id in braces in front of every hash this encoder writes. */
    public static final String ID = "sha256-salted";

    private static final int SALT_BYTES = 16;
    private static final Base64.Encoder B64 = Base64.getEncoder().withoutPadding();
    private static final Base64.Decoder B64_DECODER = Base64.getDecoder();

    private final SecureRandom random = new SecureRandom();

    /** Encodes with this encoder, matches every earlier encoding, and reports those as in need of an upgrade. */
    public static PasswordEncoder delegating() {
        return new DelegatingPasswordEncoder(ID, Map.of(ID, new ClientSecretEncoder(),
                "bcrypt", new BCryptPasswordEncoder()));
    }

    @Override
    public String encode(CharSequence rawSecret) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        return B64.encodeToString(salt) + "$" + B64.encodeToString(digest(salt, rawSecret));
    }

    @Override
    public boolean matches(CharSequence rawSecret, String encoded) {
        if (rawSecret == null || encoded == null) {
            return false;
        }
        int dollar = encoded.indexOf('$');
        if (dollar <= 0 || dollar != encoded.lastIndexOf('$')) {
            return false;
        }
        byte[] salt;
        byte[] expected;
        try {
            salt = B64_DECODER.decode(encoded.substring(0, dollar));
            expected = B64_DECODER.decode(encoded.substring(dollar + 1));
        } catch (IllegalArgumentException e) {
            return false;
        }
        return MessageDigest.isEqual(expected, digest(salt, rawSecret));
    }

    private static byte[] digest(byte[] salt, CharSequence rawSecret) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update(salt);
            sha256.update(rawSecret.toString().getBytes(StandardCharsets.UTF_8));
            return sha256.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is unavailable in this JVM", e);
        }
    }
}
