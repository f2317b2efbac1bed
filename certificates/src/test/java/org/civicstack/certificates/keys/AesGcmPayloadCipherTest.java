package org.civicstack.certificates.keys;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AesGcmPayloadCipherTest {

    private static final byte[] PAYLOAD = "{\"given_name\":\"Li\",\"resident_id\":\"440300199001011234\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] AAD = "crd_01JEXAMPLE|citizen-7".getBytes(StandardCharsets.UTF_8);

    private final InMemoryKeyProvider keys = new InMemoryKeyProvider();
    private final AesGcmPayloadCipher cipher = new AesGcmPayloadCipher(keys);

    @Test
    void encryptedPayloadDecryptsWithTheSameAssociatedData() {
        byte[] sealed = cipher.encrypt(PAYLOAD, AAD);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("resident_id");
        assertThat(cipher.decrypt(sealed, AAD)).isEqualTo(PAYLOAD);
    }

    @Test
    void twoEncryptionsOfOnePayloadDiffer() {
        assertThat(cipher.encrypt(PAYLOAD, AAD)).isNotEqualTo(cipher.encrypt(PAYLOAD, AAD));
    }

    @Test
    void everyAlteredByteIsDetected() {
        byte[] sealed = cipher.encrypt(PAYLOAD, AAD);
        for (int i = 0; i < sealed.length; i++) {
            byte[] altered = sealed.clone();
            altered[i] ^= 0x01;
            int at = i;
            assertThatThrownBy(() -> cipher.decrypt(altered, AAD)).as("byte %d", at)
                    .isInstanceOf(PayloadDecryptionException.class);
        }
    }

    @Test
    void alteredCiphertextBodyIsReportedAsTampered() {
        byte[] sealed = cipher.encrypt(PAYLOAD, AAD);
        sealed[sealed.length - 20] ^= 0x40;
        assertThatThrownBy(() -> cipher.decrypt(sealed, AAD)).extracting("code").isEqualTo("tampered");
    }

    @Test
    void ciphertextMovedToAnotherRecordFails() {
        byte[] sealed = cipher.encrypt(PAYLOAD, AAD);
        assertThatThrownBy(() -> cipher.decrypt(sealed, "crd_OTHER|citizen-7".getBytes(StandardCharsets.UTF_8)))
                .extracting("code").isEqualTo("tampered");
    }

    @Test
    void truncatedCiphertextIsMalformed() {
        byte[] sealed = cipher.encrypt(PAYLOAD, AAD);
        assertThatThrownBy(() -> cipher.decrypt(java.util.Arrays.copyOf(sealed, 10), AAD)).extracting("code").isEqualTo("malformed");
        assertThatThrownBy(() -> cipher.decrypt(new byte[0], AAD)).extracting("code").isEqualTo("malformed");
    }

    @Test
    void afterRotationOldCiphertextsStillDecryptAndNewOnesUseTheNewKey() {
        byte[] before = cipher.encrypt(PAYLOAD, AAD);
        DataKey next = keys.rotate();
        byte[] after = cipher.encrypt(PAYLOAD, AAD);
        assertThat(cipher.decrypt(before, AAD)).isEqualTo(PAYLOAD);
        assertThat(cipher.decrypt(after, AAD)).isEqualTo(PAYLOAD);
        assertThat(new String(after, 2, after[1], StandardCharsets.US_ASCII)).isEqualTo(next.id());
        assertThat(new String(before, 2, before[1], StandardCharsets.US_ASCII)).isEqualTo("dk-1");
    }

    @Test
    void aDestroyedKeysCiphertextsCannotBeDecrypted() {
        byte[] before = cipher.encrypt(PAYLOAD, AAD);
        keys.rotate();
        keys.destroy("dk-1");
        assertThatThrownBy(() -> cipher.decrypt(before, AAD)).extracting("code").isEqualTo("unknown_key");
    }

    @Test
    void swappingTheKeyIdToAnotherHeldKeyFails() {
        byte[] before = cipher.encrypt(PAYLOAD, AAD);
        keys.rotate();
        byte[] relabelled = before.clone();
        relabelled[relabelled[1] + 1] = '2'; // "dk-1" -> "dk-2"
        assertThatThrownBy(() -> cipher.decrypt(relabelled, AAD)).extracting("code").isEqualTo("tampered");
    }
}
