package org.civicstack.platform.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.jwt.Jwt;

class AccessTokenTypeTest {

    private static Jwt withTyp(String typ) {
        Jwt.Builder jwt = Jwt.withTokenValue("t").header("alg", "PS256").subject("s")
                .issuedAt(Instant.now()).expiresAt(Instant.now().plusSeconds(60));
        if (typ != null) {
            jwt.header("typ", typ);
        }
        return jwt.build();
    }

    @Test
    void acceptsAtJwtInBothForms() {
        assertThat(AccessTokenType.validator().validate(withTyp("at+jwt")).hasErrors()).isFalse();
        assertThat(AccessTokenType.validator().validate(withTyp("application/at+jwt")).hasErrors()).isFalse();
    }

    @Test
    void refusesPlainJwtOtherTypesAndNoTyp() {
        assertThat(AccessTokenType.validator().validate(withTyp("JWT")).hasErrors()).isTrue();
        assertThat(AccessTokenType.validator().validate(withTyp("client-authentication+jwt")).hasErrors()).isTrue();
        assertThat(AccessTokenType.validator().validate(withTyp(null)).hasErrors()).isTrue();
    }
}
