package org.civicstack.platform.security.revocation;

import java.time.Instant;
import java.util.Optional;

import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtValidationException;

/**
 * A resource server refuses tokens identity has revoked, from the {@link RevocationList} (local lookups, no call to
 * identity): by {@code jti}, {@code sid}, {@code sub} or {@code client_id} — the claim identity writes with the id of
 * the client the token was issued to (its access tokens carry no {@code azp}) — with {@code iat} for the citizen and
 * client rule and the unverified bound, exactly as the gateway checks. A refusal is an {@code invalid_token} error,
 * so the caller gets a 401 and refreshes or re-authenticates.
 */
public final class RevocationTokenValidator implements OAuth2TokenValidator<Jwt> {

    /** The claim that names the client (identity's {@code AccessTokenClaimsCustomizer.CLIENT_ID}). */
    public static final String CLIENT_ID = "client_id";
    /** The claim that names the login session of a citizen token. */
    public static final String SID = "sid";

    static final OAuth2Error REVOKED = new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN,
            "The token has been revoked.", null);
    static final OAuth2Error UNVERIFIED = new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN,
            "Revocations cannot be checked right now; refresh the token.", null);
    static final OAuth2Error NO_ISSUE_TIME = new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN,
            "The token has no iat.", null);

    private final RevocationList revocations;

    public RevocationTokenValidator(RevocationList revocations) {
        this.revocations = revocations;
    }

    @Override
    public OAuth2TokenValidatorResult validate(Jwt token) {
        Instant issuedAt = token.getIssuedAt();
        if (issuedAt == null) {
            // identity writes iat on every token; without it neither the citizen/client rule nor the bound applies
            return OAuth2TokenValidatorResult.failure(NO_ISSUE_TIME);
        }
        RevocationList.Refusal refusal = revocations.refusal(token.getId(), token.getClaimAsString(SID),
                token.getClaimAsString(JwtClaimNames.SUB), token.getClaimAsString(CLIENT_ID), issuedAt.toEpochMilli());
        if (refusal == null) {
            return OAuth2TokenValidatorResult.success();
        }
        return OAuth2TokenValidatorResult.failure(refusal == RevocationList.Refusal.UNVERIFIED ? UNVERIFIED : REVOKED);
    }

    /**
     * The description of this validator's refusal behind an authentication failure (the decoder wraps it in a
     * {@link JwtValidationException}), for the 401's detail; empty for any other failure, whose detail stays generic.
     */
    public static Optional<String> refusalDescription(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof JwtValidationException invalid) {
                return invalid.getErrors().stream()
                        .map(OAuth2Error::getDescription)
                        .filter(description -> REVOKED.getDescription().equals(description)
                                || UNVERIFIED.getDescription().equals(description))
                        .findFirst();
            }
        }
        return Optional.empty();
    }
}
