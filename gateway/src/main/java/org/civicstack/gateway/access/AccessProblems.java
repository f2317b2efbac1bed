package org.civicstack.gateway.access;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.Problem;
import org.civicstack.platform.error.ProblemMapper;

/**
 * The problems of access enforcement, each with its RFC 6750 / RFC 9470 {@code WWW-Authenticate} challenge and a
 * stable code (docs/security/citizen-access.md). Also maps a failed token exchange wherever it surfaces.
 */
public final class AccessProblems implements ProblemMapper {

    public static final String REALM = "civicstack";
    static final String WWW_AUTHENTICATE = "WWW-Authenticate";

    /** No citizen token on a citizen service. */
    public static ApiProblem tokenMissing() {
        return new ApiProblem(401, "token_missing", "Unauthorized",
                "This service needs a citizen access token (Authorization: Bearer).", List.of(),
                Map.of(WWW_AUTHENTICATE, "Bearer realm=\"" + REALM + "\""));
    }

    /** A token was presented but is not acceptable; {@code reason} is a fixed phrase, never token content. */
    public static ApiProblem tokenInvalid(String reason) {
        return new ApiProblem(401, "token_invalid", "Unauthorized", reason, List.of(),
                Map.of(WWW_AUTHENTICATE, "Bearer realm=\"" + REALM + "\", error=\"invalid_token\", error_description=\""
                        + quoted(reason) + "\""));
    }

    /** RFC 9470 step-up: the citizen must raise their assurance level to {@code required}. */
    public static ApiProblem stepUpRequired(int current, int required) {
        String description = "This service needs assurance level " + required + " (the token has " + current + ").";
        return new ApiProblem(401, "assurance_level_too_low", "Unauthorized", description, List.of(),
                Map.of(WWW_AUTHENTICATE, "Bearer realm=\"" + REALM + "\", error=\"insufficient_user_authentication\", "
                        + "error_description=\"" + quoted(description) + "\", acr_values=\""
                        + AssuranceLevels.acrOf(required) + "\""));
    }

    /** RFC 6750 §3.1: the token lacks scopes the service needs. */
    public static ApiProblem insufficientScope(List<String> required) {
        String scopes = String.join(" ", required);
        return new ApiProblem(403, "insufficient_scope", "Forbidden",
                "This service needs the scope(s) " + scopes + ".", List.of(),
                Map.of(WWW_AUTHENTICATE, "Bearer realm=\"" + REALM + "\", error=\"insufficient_scope\", scope=\""
                        + quoted(scopes) + "\""));
    }

    /** Identity could not give the upstream assertion: nothing goes to the agency. */
    public static ApiProblem identityUnavailable() {
        return new ApiProblem(503, "identity_unavailable", "Service unavailable",
                "The platform cannot vouch for the citizen to the agency right now. Please try again shortly.",
                List.of(), Map.of("Retry-After", "5"));
    }

    /** The problem for a failed exchange: a rejected citizen token is the citizen's, everything else identity's. */
    public static ApiProblem of(TokenExchangeException failure) {
        return failure.kind() == TokenExchangeException.Kind.SUBJECT_REJECTED
                ? tokenInvalid("The access token is no longer valid.")
                : identityUnavailable();
    }

    private static String quoted(String text) {
        return text.replace("\\", "").replace("\"", "'");
    }

    @Override
    public Optional<Problem> map(Throwable error, String instance) {
        return error instanceof TokenExchangeException failure
                ? Optional.of(Problem.of(of(failure), instance))
                : Optional.empty();
    }
}
