package org.civicstack.gateway.access;

import java.util.concurrent.CompletableFuture;

import org.civicstack.platform.security.revocation.RevocationList;

/**
 * Access enforcement with local token validation ({@link TokenValidator}) and assertions from identity through
 * the {@link AssertionCache}.
 */
public final class GatewayAccessControl implements AccessControl {

    private static final String BEARER = "Bearer ";

    private final TokenValidator validator;
    private final AssertionCache assertions;
    private final RevocationList revocations;

    /** Without revocations (tests of enforcement alone): a deny-list that is always current and empty. */
    public GatewayAccessControl(TokenValidator validator, AssertionCache assertions) {
        this(validator, assertions, RevocationList.unchecked());
    }

    public GatewayAccessControl(TokenValidator validator, AssertionCache assertions, RevocationList revocations) {
        this.validator = validator;
        this.assertions = assertions;
        this.revocations = revocations;
    }

    /** Anonymous services: one completed answer for every request, nothing allocated on the hot path. */
    private static final CompletableFuture<AccessDecision> ANONYMOUS =
            CompletableFuture.completedFuture(AccessDecision.ANONYMOUS);

    @Override
    public CompletableFuture<AccessDecision> authorize(AccessRequirement requirement, String authorization) {
        if (!requirement.citizen()) {
            return ANONYMOUS;
        }
        // a token verified before is found by its string alone: it passed every check below when it was cached
        String token = presentedToken(authorization);
        TokenValidator.Verified known = token == null ? null : validator.cachedWithBearer(token);
        if (known != null) {
            // the string as first verified: the assertion cache's keys then compare by reference
            return CompletableFuture.completedFuture(decide(requirement, known.bearer(),
                    new TokenCheck.Valid(known.token()), revocations));
        }
        if (token == null || !isB64token(token)) {
            return CompletableFuture.completedFuture(new AccessDecision.Denied(
                    authorization == null || authorization.isBlank() || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                            ? AccessProblems.tokenMissing()
                            : AccessProblems.tokenInvalid("The bearer token is empty or malformed.")));
        }
        CompletableFuture<TokenCheck> check = validator.verifyAndCache(token);
        if (check.isDone()) {
            return CompletableFuture.completedFuture(decide(requirement, token, check.join(), revocations));
        }
        return check.thenApply(result -> decide(requirement, token, result, revocations));
    }

    static AccessDecision decide(AccessRequirement requirement, String token, TokenCheck check,
            RevocationList revocations) {
        if (check instanceof TokenCheck.Invalid invalid) {
            return new AccessDecision.Denied(AccessProblems.tokenInvalid(invalid.reason()));
        }
        CitizenToken citizen = ((TokenCheck.Valid) check).token();
        // after the verified-token cache: a revocation applies to tokens already cached
        RevocationList.Refusal refusal = revocations.refusal(citizen.jti(), citizen.sid(), citizen.subject(),
                citizen.clientId(), citizen.issuedAtMillis());
        if (refusal != null) {
            boolean unverified = refusal == RevocationList.Refusal.UNVERIFIED;
            return new AccessDecision.Denied(AccessProblems.tokenInvalid(unverified
                    ? "The token's revocation status cannot be confirmed right now; refresh it and retry."
                    : "The access token has been revoked."), citizen,
                    unverified ? "revocation_unverified" : "revoked_" + refusal.tag());
        }
        if (citizen.assuranceLevel() < requirement.minAssuranceLevel()) {
            return new AccessDecision.Denied(
                    AccessProblems.stepUpRequired(citizen.assuranceLevel(), requirement.minAssuranceLevel()), citizen);
        }
        if (!citizen.scopes().containsAll(requirement.scopes())) {
            return new AccessDecision.Denied(AccessProblems.insufficientScope(requirement.scopes()), citizen);
        }
        return new AccessDecision.Citizen(citizen, token);
    }

    @Override
    public CompletableFuture<Assertion> assertion(AccessDecision.Citizen citizen, String serviceCode, String agencyId) {
        return assertions.assertionFor(citizen.bearer(), serviceCode, agencyId);
    }

    /** What follows {@code Bearer } (its characters not checked yet), or {@code null}. */
    private static String presentedToken(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String token = authorization.substring(BEARER.length()).trim();
        return token.isEmpty() ? null : token;
    }

    /** Whether {@code token} is made of RFC 6750 §2.1 b64token characters. */
    private static boolean isB64token(String token) {
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            boolean b64token = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
            if (!b64token) {
                return false;
            }
        }
        return true;
    }
}
