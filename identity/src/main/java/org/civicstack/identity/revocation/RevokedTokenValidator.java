package org.civicstack.identity.revocation;

import java.time.Instant;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;

/**
 * Identity's own APIs refuse revoked access tokens, from the {@code revocation} table (identity is the source of
 * truth and off the hot path: one indexed query per API call).
 */
public final class RevokedTokenValidator implements OAuth2TokenValidator<Jwt> {

    private static final OAuth2Error REVOKED = new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN,
            "The access token has been revoked.", null);

    private final Revocations revocations;

    public RevokedTokenValidator(Revocations revocations) {
        this.revocations = revocations;
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt token) {
        Instant issuedAt = token.getIssuedAt();
        if (issuedAt == null) {
            return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN,
                    "The access token has no iat.", null));
        }
        boolean refused = revocations.refuses(token.getId(), token.getClaimAsString("sid"), token.getSubject(),
                token.getClaimAsString("client_id"), issuedAt);
        return refused ? OAuth2TokenValidatorResult.failure(REVOKED) : OAuth2TokenValidatorResult.success();
    }
}
