package org.civicstack.certificates.keys;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class InMemoryCredentialSigningKeysTest {

    private final InMemoryCredentialSigningKeys keys = new InMemoryCredentialSigningKeys();

    @Test
    void theJwksPublishesOnlyPublicEs256Keys() {
        assertThat(keys.verificationKeys().getKeys()).singleElement().satisfies(jwk -> {
            assertThat(jwk.isPrivate()).isFalse();
            assertThat(jwk.getKeyID()).isEqualTo(keys.current().keyId());
            assertThat(jwk.getAlgorithm().getName()).isEqualTo("ES256");
        });
        assertThat(keys.verificationKeys().toString()).doesNotContain("\"d\"");
    }

    @Test
    void rotationMakesANewKeyCurrentAndKeepsTheOldOneVerifying() {
        SigningKey first = keys.current();
        SigningKey second = keys.rotate();
        assertThat(keys.current()).isSameAs(second);
        assertThat(second.keyId()).isNotEqualTo(first.keyId());
        assertThat(keys.verificationKeys().getKeyByKeyId(first.keyId())).isNotNull();
        assertThat(keys.verificationKeys().getKeyByKeyId(second.keyId())).isNotNull();
    }

    @Test
    void retiredKeysLeaveTheJwksButTheCurrentOneCannotBeRetired() {
        SigningKey first = keys.current();
        keys.rotate();
        keys.retire(first.keyId());
        assertThat(keys.verificationKeys().getKeyByKeyId(first.keyId())).isNull();
        assertThatThrownBy(() -> keys.retire(keys.current().keyId())).isInstanceOf(IllegalArgumentException.class);
    }
}
