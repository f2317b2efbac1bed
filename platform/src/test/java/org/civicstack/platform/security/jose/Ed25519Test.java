package org.civicstack.platform.security.jose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.KeyPair;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.HexFormat;

import org.junit.jupiter.api.Test;

class Ed25519Test {

    private static final HexFormat HEX = HexFormat.of();

    /** RFC 8032 §7.1, TEST 1 (empty message) and TEST 2 (one byte). */
    @Test
    void signsTheRfc8032TestVectorsWithTheChosenProviderAndTheJdks() throws Exception {
        assertVector("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
                        + "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b");
        assertVector("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
                "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
                "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
                        + "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00");
    }

    private static void assertVector(String secret, String publicKey, String message, String signature)
            throws Exception {
        PrivateKey privateKey = Ed25519.privateKey(HEX.parseHex(secret));
        PublicKey pub = Ed25519.publicKey(HEX.parseHex(publicKey));
        byte[] data = HEX.parseHex(message);
        for (Ed25519 ed : new Ed25519[] {Ed25519.DEFAULT, Ed25519.jdk()}) {
            assertThat(HEX.formatHex(ed.sign(privateKey, data))).as(ed.providerName()).isEqualTo(signature);
            assertThat(ed.verify(pub, data, HEX.parseHex(signature))).as(ed.providerName()).isTrue();
        }
        assertThat(HEX.formatHex(Ed25519.raw(pub))).isEqualTo(publicKey);
        assertThat(HEX.formatHex(Ed25519.raw(privateKey))).isEqualTo(secret);
    }

    @Test
    void nativeAwsLcIsUsedOnThisLinuxX8664Machine() {
        // the CI machines are linux-x86_64, where ACCP's native library loads; elsewhere the JDK's provider signs
        if ("amd64".equals(System.getProperty("os.arch")) && System.getProperty("os.name").startsWith("Linux")) {
            assertThat(Ed25519.DEFAULT.isNative()).isTrue();
            assertThat(Ed25519.DEFAULT.providerName()).isEqualTo("AmazonCorrettoCryptoProvider");
        }
        assertThat(Ed25519.jdk().isNative()).isFalse();
    }

    @Test
    void eachProviderVerifiesTheOthersSignaturesAndRefusesAlteredOnes() throws Exception {
        KeyPair pair = Ed25519.generate();
        byte[] data = "header.claims".getBytes(StandardCharsets.US_ASCII);
        byte[] byNative = Ed25519.DEFAULT.sign(pair.getPrivate(), data);
        byte[] byJdk = Ed25519.jdk().sign(pair.getPrivate(), data);
        assertThat(byNative).isEqualTo(byJdk); // Ed25519 is deterministic
        assertThat(Ed25519.jdk().verify(pair.getPublic(), data, byNative)).isTrue();

        byte[] altered = byNative.clone();
        altered[10] ^= 1;
        byte[] otherData = "header.claimz".getBytes(StandardCharsets.US_ASCII);
        for (Ed25519 ed : new Ed25519[] {Ed25519.DEFAULT, Ed25519.jdk()}) {
            assertThat(ed.verify(pair.getPublic(), data, altered)).isFalse();
            assertThat(ed.verify(pair.getPublic(), otherData, byNative)).isFalse();
            assertThat(ed.verify(Ed25519.generate().getPublic(), data, byNative)).isFalse();
            assertThat(ed.verify(pair.getPublic(), data, new byte[63])).isFalse();
            assertThat(ed.verify(pair.getPublic(), data, new byte[0])).isFalse();
            assertThat(ed.verify(pair.getPublic(), data, new byte[64])).isFalse();
        }
    }

    @Test
    void rawKeysRoundTripAndWrongLengthsAreRefused() throws Exception {
        KeyPair pair = Ed25519.generate();
        assertThat(Ed25519.publicKey(Ed25519.raw(pair.getPublic()))).isEqualTo(pair.getPublic());
        assertThat(Ed25519.raw(Ed25519.privateKey(Ed25519.raw(pair.getPrivate()))))
                .isEqualTo(Ed25519.raw(pair.getPrivate()));
        assertThatThrownBy(() -> Ed25519.publicKey(new byte[31])).isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> Ed25519.privateKey(new byte[33])).isInstanceOf(InvalidKeyException.class);
        assertThatThrownBy(() -> Ed25519.publicKey(null)).isInstanceOf(InvalidKeyException.class);
    }
}
