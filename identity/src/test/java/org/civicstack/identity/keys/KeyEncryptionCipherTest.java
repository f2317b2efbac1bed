package org.civicstack.identity.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;

import org.civicstack.identity.keys.KeyEncryptionCipher.KeyDecryptionException;
import org.civicstack.identity.keys.KeyEncryptionCipher.Sealed;
import org.junit.jupiter.api.Test;

class KeyEncryptionCipherTest {

    static final String SECRET = "a-test-secret-of-at-least-32-characters";
    static final byte[] PLAINTEXT = "pretend this is a PKCS#8 private key".getBytes(StandardCharsets.UTF_8);

    final KeyEncryptionCipher cipher = new KeyEncryptionCipher(SECRET);

    @Test
    void opensWhatItSealed() {
        Sealed sealed = cipher.seal(PLAINTEXT, "kid-1");

        assertThat(new KeyEncryptionCipher(SECRET).open(sealed, "kid-1")).isEqualTo(PLAINTEXT);
        assertThat(sealed.scheme()).isEqualTo(KeyEncryptionCipher.SCHEME);
        assertThat(sealed.salt()).hasSize(16);
    }

    @Test
    void sealingTwiceGivesDifferentCiphertexts() {
        assertThat(cipher.seal(PLAINTEXT, "kid-1").ciphertext()).isNotEqualTo(cipher.seal(PLAINTEXT, "kid-1").ciphertext());
    }

    @Test
    void anotherSecretCannotOpen() {
        Sealed sealed = cipher.seal(PLAINTEXT, "kid-1");

        assertThatThrownBy(() -> new KeyEncryptionCipher(SECRET + "x").open(sealed, "kid-1"))
                .isInstanceOf(KeyDecryptionException.class);
    }

    @Test
    void aCiphertextMovedToAnotherKidCannotBeOpened() {
        Sealed sealed = cipher.seal(PLAINTEXT, "kid-1");

        assertThatThrownBy(() -> cipher.open(sealed, "kid-2")).isInstanceOf(KeyDecryptionException.class);
    }

    @Test
    void anAlteredCiphertextCannotBeOpened() {
        Sealed sealed = cipher.seal(PLAINTEXT, "kid-1");
        byte[] altered = sealed.ciphertext().clone();
        altered[altered.length - 1] ^= 1;

        assertThatThrownBy(() -> cipher.open(new Sealed(altered, sealed.salt(), sealed.scheme()), "kid-1"))
                .isInstanceOf(KeyDecryptionException.class);
    }

    @Test
    void anUnknownSchemeIsRefused() {
        Sealed sealed = cipher.seal(PLAINTEXT, "kid-1");

        assertThatThrownBy(() -> cipher.open(new Sealed(sealed.ciphertext(), sealed.salt(), "rot13"), "kid-1"))
                .hasMessageContaining("unknown encryption scheme");
    }
}
