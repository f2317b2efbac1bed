package org.civicstack.payments.merchant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

import org.junit.jupiter.api.Test;

class SecretBoxTest {

    static String key() {
        byte[] k = new byte[32];
        new SecureRandom().nextBytes(k);
        return Base64.getEncoder().encodeToString(k);
    }

    @Test
    void sealedValueOpensOnlyForItsRowAndShowsNoPlaintext() {
        SecretBox box = new SecretBox(Map.of("k1", key()), "k1");
        byte[] sealed = box.seal("-----BEGIN PRIVATE KEY-----".getBytes(StandardCharsets.UTF_8), "mca_1");
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("PRIVATE");
        assertThat(new String(box.open(sealed, "mca_1"), StandardCharsets.UTF_8)).isEqualTo("-----BEGIN PRIVATE KEY-----");
        assertThatThrownBy(() -> box.open(sealed, "mca_2")).hasMessageContaining("does not open");
    }

    @Test
    void tamperedValueDoesNotOpen() {
        SecretBox box = new SecretBox(Map.of("k1", key()), "k1");
        byte[] sealed = box.seal("secret".getBytes(StandardCharsets.UTF_8), "row");
        sealed[sealed.length - 1] ^= 1;
        assertThatThrownBy(() -> box.open(sealed, "row")).hasMessageContaining("does not open");
    }

    @Test
    void rotationKeepsOldValuesReadableAndSealsNewOnesWithTheCurrentKey() {
        String k1 = key();
        String k2 = key();
        byte[] old = new SecretBox(Map.of("k1", k1), "k1").seal("old".getBytes(StandardCharsets.UTF_8), "row");
        SecretBox rotated = new SecretBox(Map.of("k1", k1, "k2", k2), "k2");
        assertThat(new String(rotated.open(old, "row"), StandardCharsets.UTF_8)).isEqualTo("old");
        byte[] fresh = rotated.seal("new".getBytes(StandardCharsets.UTF_8), "row");
        assertThatThrownBy(() -> new SecretBox(Map.of("k1", k1), "k1").open(fresh, "row"))
                .hasMessageContaining("k2");
    }

    @Test
    void aMisconfiguredBoxRefusesToStart() {
        assertThatThrownBy(() -> new SecretBox(Map.of("k1", key()), "k9")).hasMessageContaining("current-key-id");
        assertThatThrownBy(() -> new SecretBox(Map.of("k1", Base64.getEncoder().encodeToString(new byte[16])), "k1"))
                .hasMessageContaining("32 bytes");
    }
}
