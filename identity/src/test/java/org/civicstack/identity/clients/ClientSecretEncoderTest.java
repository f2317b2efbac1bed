package org.civicstack.identity.clients;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

class ClientSecretEncoderTest {

    static final String SECRET = "k3Jv9QpX2mLwR8tYz5NcB7hD4fGsA1eU";

    final PasswordEncoder encoder = ClientSecretEncoder.delegating();

    @Test
    void encodesAsSaltedSha256ThatMatchesOnlyTheSecret() {
        String stored = encoder.encode(SECRET);

        assertThat(stored).startsWith("{sha256-salted}").doesNotContain(SECRET);
        assertThat(encoder.matches(SECRET, stored)).isTrue();
        assertThat(encoder.matches(SECRET + "x", stored)).isFalse();
        assertThat(encoder.matches(SECRET.substring(1), stored)).isFalse();
        assertThat(encoder.upgradeEncoding(stored)).isFalse();
    }

    @Test
    void sameSecretTwiceGivesDifferentHashes() {
        assertThat(encoder.encode(SECRET)).isNotEqualTo(encoder.encode(SECRET));
    }

    @Test
    void bcryptHashesStoredBeforeStillMatchAndAskForAnUpgrade() {
        String legacy = "{bcrypt}" + new BCryptPasswordEncoder().encode(SECRET);

        assertThat(encoder.matches(SECRET, legacy)).isTrue();
        assertThat(encoder.matches("another-secret-0123456789abcdefghijkl", legacy)).isFalse();
        assertThat(encoder.upgradeEncoding(legacy)).isTrue();
    }

    @Test
    void malformedStoredValuesNeverMatch() {
        ClientSecretEncoder raw = new ClientSecretEncoder();

        assertThat(raw.matches(SECRET, "")).isFalse();
        assertThat(raw.matches(SECRET, "no-dollar-sign")).isFalse();
        assertThat(raw.matches(SECRET, "a$b$c")).isFalse();
        assertThat(raw.matches(SECRET, "!!!$###")).isFalse();
        assertThat(raw.matches(null, raw.encode(SECRET))).isFalse();
    }
}
