package org.civicstack.platform.security.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.security.oauth2.server.resource.InvalidBearerTokenException;

class RevocationTokenValidatorTest {

    static final long NOW = 1_800_000_000_000L;
    final AtomicLong clock = new AtomicLong(NOW);
    final RevocationList list = new RevocationList(clock::get, 60_000);
    final RevocationTokenValidator validator = new RevocationTokenValidator(list);

    static Jwt agencyToken(String clientId, String jti, Instant issuedAt) {
        Jwt.Builder jwt = Jwt.withTokenValue("t").header("alg", "EdDSA").subject(clientId).claim("client_id", clientId)
                .jti(jti).expiresAt(Instant.ofEpochMilli(NOW).plusSeconds(300));
        return (issuedAt == null ? jwt : jwt.issuedAt(issuedAt)).build();
    }

    @Test
    void aClientRevocationRefusesTheClientsTokensIssuedAtOrBeforeIt() {
        list.setCurrent(true);
        list.apply("client", "agency-app", NOW, NOW + 600_000);

        OAuth2TokenValidatorResult before = validator.validate(agencyToken("agency-app", "j1", Instant.ofEpochMilli(NOW)));
        OAuth2TokenValidatorResult after = validator.validate(
                agencyToken("agency-app", "j2", Instant.ofEpochMilli(NOW + 1_000)));

        assertThat(before.getErrors()).extracting(OAuth2Error::getErrorCode, OAuth2Error::getDescription)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(OAuth2ErrorCodes.INVALID_TOKEN,
                        "The token has been revoked."));
        assertThat(after.hasErrors()).isFalse();
    }

    @Test
    void aTokenRevocationRefusesThatJti() {
        list.setCurrent(true);
        list.apply("token", "j1", NOW, NOW + 600_000);

        assertThat(validator.validate(agencyToken("app", "j1", Instant.ofEpochMilli(NOW + 5_000))).hasErrors()).isTrue();
        assertThat(validator.validate(agencyToken("app", "j2", Instant.ofEpochMilli(NOW))).hasErrors()).isFalse();
    }

    @Test
    void whileNotCurrentOlderTokensAreToldToRefresh() {
        assertThat(validator.validate(agencyToken("app", "j", Instant.ofEpochMilli(NOW - 1_000))).hasErrors()).isFalse();
        assertThat(validator.validate(agencyToken("app", "j", Instant.ofEpochMilli(NOW - 120_000))).getErrors())
                .extracting(OAuth2Error::getDescription)
                .containsExactly("Revocations cannot be checked right now; refresh the token.");
    }

    @Test
    void aTokenWithoutIatIsRefused() {
        list.setCurrent(true);
        assertThat(validator.validate(agencyToken("app", "j", null)).hasErrors()).isTrue();
    }

    @Test
    void theRefusalIsFoundBehindTheResourceServersExceptionAndNothingElseIs() {
        JwtValidationException revoked = new JwtValidationException("An error occurred: The token has been revoked.",
                List.of(RevocationTokenValidator.REVOKED));
        JwtValidationException expired = new JwtValidationException("expired",
                List.of(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, "Jwt expired at …", null)));

        assertThat(RevocationTokenValidator.refusalDescription(new InvalidBearerTokenException("x", revoked)))
                .contains("The token has been revoked.");
        assertThat(RevocationTokenValidator.refusalDescription(new InvalidBearerTokenException("x", expired))).isEmpty();
        assertThat(RevocationTokenValidator.refusalDescription(new IllegalStateException())).isEmpty();
    }
}
