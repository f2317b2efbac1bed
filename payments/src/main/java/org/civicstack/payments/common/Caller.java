package org.civicstack.payments.common;

import java.util.Optional;
import java.util.Set;

import org.civicstack.platform.error.ApiProblem;

/**
 * Who is calling a payments API, from the validated access token: an agency client (acting only on its own merchant,
 * orders and refunds), a citizen through the app (acting only on orders made out to them), or an operator.
 *
 * @param clientId the OAuth client
 * @param agencyId the agency that client belongs to (identity's {@code agency_id} claim), agency clients only
 * @param citizenRef the citizen's platform reference ({@code sub} of a citizen app token), citizen tokens only
 */
public record Caller(String clientId, Optional<String> agencyId, Optional<String> citizenRef, Set<String> scopes) {

    public static final String CREATE = "payments:create";
    public static final String READ = "payments:read";
    public static final String REFUND = "payments:refund";
    public static final String MERCHANT = "payments:merchant";
    public static final String OPERATE = "payments:operate";

    public Caller {
        scopes = Set.copyOf(scopes);
    }

    public String requireAgency() {
        return agencyId.orElseThrow(() -> new ApiProblem(403, "not_an_agency", "Forbidden",
                "Only a client registered to an agency can do this."));
    }

    public String requireCitizen() {
        return citizenRef.orElseThrow(() -> new ApiProblem(403, "citizen_token_required", "Forbidden",
                "This API needs a citizen app access token."));
    }

    public boolean isOperator() {
        return scopes.contains(OPERATE);
    }

    /** The key space of this caller's idempotency keys: keys of two callers never meet. */
    public String idempotencyScope() {
        return citizenRef.map(c -> "citizen:" + c).orElseGet(() -> "client:" + clientId);
    }
}
