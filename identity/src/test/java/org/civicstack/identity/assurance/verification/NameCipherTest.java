package org.civicstack.identity.assurance.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

import org.civicstack.identity.assurance.PersonName;
import org.civicstack.identity.assurance.residentid.ResidentIdNumber;
import org.civicstack.identity.citizen.CitizenId;
import org.junit.jupiter.api.Test;

class NameCipherTest {

    static final String SECRET = "unit-test-name-encryption-secret-0123456789";
    final NameCipher cipher = new NameCipher(SECRET);
    final CitizenId citizen = CitizenId.random();
    final PersonName name = new PersonName("阿依古丽·买买提");

    @Test
    void sealedNameOpensForTheSameCitizenOnly() {
        byte[] sealed = cipher.seal(name, citizen);

        assertThat(cipher.open(sealed, citizen)).isEqualTo(name);
        assertThatThrownBy(() -> cipher.open(sealed, CitizenId.random())).isInstanceOf(IllegalStateException.class)
                .hasMessageNotContaining("阿依古丽");
    }

    @Test
    void ciphertextHidesTheNameAndDiffersEveryTime() {
        byte[] first = cipher.seal(name, citizen);
        byte[] second = cipher.seal(name, citizen);

        assertThat(first).isNotEqualTo(second);
        assertThat(new String(first, StandardCharsets.UTF_8)).doesNotContain("阿依古丽");
        assertThat(first.length).isEqualTo(12 + name.value().getBytes(StandardCharsets.UTF_8).length + 16);
    }

    @Test
    void anotherSecretOrATamperedByteDoesNotOpen() {
        byte[] sealed = cipher.seal(name, citizen);
        byte[] tampered = sealed.clone();
        tampered[tampered.length - 1] ^= 1;

        assertThatThrownBy(() -> new NameCipher(SECRET + "x").open(sealed, citizen)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher.open(tampered, citizen)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> cipher.open(new byte[5], citizen)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void idNumberHashIsTheKeyedHmacOfTheCanonicalNumber() {
        IdNumberHasher hasher = new IdNumberHasher("key");
        // HMAC-SHA256(key="key", "11010519491231002X"), computed with Python's hmac module
        assertThat(HexFormat.of().formatHex(hasher.hash(ResidentIdNumber.parse("11010519491231002x"))))
                .isEqualTo(HMAC_OF_SAMPLE);
        assertThat(new IdNumberHasher("other").hash(ResidentIdNumber.parse("11010519491231002X")))
                .isNotEqualTo(hasher.hash(ResidentIdNumber.parse("11010519491231002X")));
    }

    static final String HMAC_OF_SAMPLE = "c702e187e6363f417304a7cb1ac993b0f8d3b0255ed35027ccd9ddc60b32b2d4";
}
