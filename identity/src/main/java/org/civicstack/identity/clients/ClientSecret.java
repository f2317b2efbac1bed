package org.civicstack.identity.clients;

import java.util.Objects;

/**
 * A client secret in the clear, only ever on its way to being hashed. At least 32 characters, so that a
 * configured secret cannot be a guessable word; {@link #toString()} never shows it.
 */
public final class ClientSecret {

    static final int MIN_LENGTH = 32;

    private final String value;

    public ClientSecret(String value) {
        Objects.requireNonNull(value, "client secret");
        if (value.length() < MIN_LENGTH || value.isBlank()) {
            throw new IllegalArgumentException("client secret must have at least " + MIN_LENGTH + " characters");
        }
        this.value = value;
    }

    /** The secret itself, for hashing or comparing with a stored hash. */
    public String reveal() {
        return value;
    }

    @Override
    public String toString() {
        return "ClientSecret[****]";
    }
}
