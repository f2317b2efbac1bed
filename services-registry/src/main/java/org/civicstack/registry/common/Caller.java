package org.civicstack.registry.common;

import java.util.Optional;
import java.util.Set;

import org.civicstack.platform.error.ApiProblem;

/**
 * Who is calling, from their access token: an agency (acting only on its own services) or an operator.
 *
 * @param subject the OAuth client id
 * @param agencyId the agency registered with that client, if any
 * @param scopes granted scopes
 */
public record Caller(String subject, Optional<String> agencyId, Set<String> scopes) {

    public static final String READ = "registry:read";
    public static final String WRITE = "registry:write";
    public static final String REVIEW = "registry:review";
    public static final String ROUTING = "registry:routing";

    public Caller {
        scopes = Set.copyOf(scopes);
    }

    public boolean isOperator() {
        return scopes.contains(REVIEW);
    }

    /** The agency an agency client acts for; operators have none and get a 403 here. */
    public String requireAgency() {
        return agencyId.orElseThrow(() -> new ApiProblem(403, "not_an_agency", "Forbidden",
                "Only a client registered to an agency can do this."));
    }

    /** Agencies see and change their own services only; operators see all. */
    public void requireOwnerOrOperator(String owningAgency) {
        if (isOperator()) {
            return;
        }
        if (agencyId.isEmpty() || !agencyId.get().equals(owningAgency)) {
            throw ApiProblem.notFound("service_not_found", "No such service.");
        }
    }
}
