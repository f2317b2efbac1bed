package org.civicstack.platform.api;

import java.security.SecureRandom;

/** Opaque, prefixed, URL-safe identifiers ({@code svc_…}, {@code agy_…}), as the API conventions require. */
public final class Ids {

    private static final char[] ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz".toCharArray();
    private static final SecureRandom RANDOM = new SecureRandom();

    private Ids() {
    }

    /** {@code prefix} + '_' + 20 characters of Crockford base32 (100 random bits). */
    public static String newId(String prefix) {
        char[] out = new char[20];
        for (int i = 0; i < out.length; i++) {
            out[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return prefix + "_" + new String(out);
    }

    public static boolean looksLike(String prefix, String value) {
        return value != null && value.matches(prefix + "_[0-9a-z]{20}");
    }
}
