package org.civicstack.identity.login;

import java.util.Objects;
import java.util.UUID;

/** One sent code, as the browser's login session remembers it (never the code itself). */
public record LoginChallengeId(UUID value) {

    public LoginChallengeId {
        Objects.requireNonNull(value, "value");
    }

    public static LoginChallengeId random() {
        return new LoginChallengeId(UUID.randomUUID());
    }

    @Override
    public String toString() {
        return value.toString();
    }
}
