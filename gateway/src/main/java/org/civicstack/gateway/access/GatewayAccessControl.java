package org.civicstack.gateway.access;

import java.util.concurrent.CompletableFuture;

/**
 * Access enforcement with local token validation ({@link TokenValidator}) and assertions from identity through
 * the {@link AssertionCache}.
 */
public final class GatewayAccessControl implements AccessControl {

    private static final String BEARER = "Bearer ";

    private final TokenValidator validator;
    private final AssertionCache assertions;

    public GatewayAccessControl(TokenValidator validator, AssertionCache assertions) {
        this.validator = validator;
        this.assertions = assertions;
    }

    /** Anonymous services: one completed answer for every request, nothing allocated on the hot path. */
    private static final CompletableFuture<AccessDecision> ANONYMOUS =
            CompletableFuture.completedFuture(AccessDecision.ANONYMOUS);

    @Override
    public CompletableFuture<AccessDecision> authorize(AccessRequirement requirement, String authorization) {
        if (!requirement.citizen()) {
            return ANONYMOUS;
        }
        String token = bearerOf(authorization);
        if (token == null) {
            return CompletableFuture.completedFuture(new AccessDecision.Denied(
                    authorization == null || authorization.isBlank() || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                            ? AccessProblems.tokenMissing()
                            : AccessProblems.tokenInvalid("The bearer token is empty or malformed.")));
        }
        CompletableFuture<TokenCheck> check = validator.check(token);
        if (check.isDone()) {
            return CompletableFuture.completedFuture(decide(requirement, token, check.join()));
        }
        return check.thenApply(result -> decide(requirement, token, result));
    }

    static AccessDecision decide(AccessRequirement requirement, String token, TokenCheck check) {
        if (check instanceof TokenCheck.Invalid invalid) {
            return new AccessDecision.Denied(AccessProblems.tokenInvalid(invalid.reason()));
        }
        CitizenToken citizen = ((TokenCheck.Valid) check).token();
        if (citizen.assuranceLevel() < requirement.minAssuranceLevel()) {
            return new AccessDecision.Denied(
                    AccessProblems.stepUpRequired(citizen.assuranceLevel(), requirement.minAssuranceLevel()));
        }
        if (!citizen.scopes().containsAll(requirement.scopes())) {
            return new AccessDecision.Denied(AccessProblems.insufficientScope(requirement.scopes()));
        }
        return new AccessDecision.Citizen(citizen, token);
    }

    @Override
    public CompletableFuture<Assertion> assertion(AccessDecision.Citizen citizen, String serviceCode, String agencyId) {
        return assertions.assertionFor(citizen.bearer(), serviceCode, agencyId);
    }

    /** The token of {@code Bearer <token>} (RFC 6750 §2.1: b64token characters), or {@code null}. */
    static String bearerOf(String authorization) {
        if (authorization == null || authorization.length() <= BEARER.length()
                || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return null;
        }
        String token = authorization.substring(BEARER.length()).trim();
        if (token.isEmpty()) {
            return null;
        }
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            boolean b64token = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9'
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/' || c == '=';
            if (!b64token) {
                return null;
            }
        }
        return token;
    }
}
