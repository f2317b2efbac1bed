package org.civicstack.identity.citizen;

import java.util.Objects;
import java.util.UUID;

/**
 * The platform's internal identifier of a citizen account. It never leaves identity: agencies see a pairwise
 * subject ({@code pairwise}), the app sees it only as the {@code sub} of its own tokens.
 */
public record CitizenId(UUID value) {

    public CitizenId {
        Objects.requireNonNull(value, "citizen id");
    }

    public static CitizenId random() {
        return new CitizenId(UUID.randomUUID());
    }

    /** Parses the canonical text form (a UUID); {@link IllegalArgumentException} otherwise. */
    public static CitizenId parse(String text) {
        Objects.requireNonNull(text, "citizen id");
        return new CitizenId(UUID.fromString(text));
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
