package org.civicstack.registry.common;

import java.util.Arrays;
import java.util.Optional;

import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.security.TokenClaims;
import org.civicstack.registry.agency.AgencyStore;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Turns the validated access token into a {@link Caller} and enforces per-API scopes. Which agency a client acts
 * for is identity's to say (ADR 0007): the token's {@code agency_id} claim, when it names an agency the registry
 * knows. A client whose token has no {@code agency_id} yet (its agency was registered here after its client) is
 * still matched by {@code agency.oauth_client_id}, the transition path; a claim that contradicts that column is
 * refused (403 {@code agency_binding_mismatch}) rather than letting either side win silently.
 */
@Component
public class CallerResolver {

    private final AgencyStore agencies;

    public CallerResolver(AgencyStore agencies) {
        this.agencies = agencies;
    }

    /** The caller, who must hold at least one of {@code anyOfScopes}; otherwise a 403 problem naming them. */
    public Mono<Caller> require(String... anyOfScopes) {
        return ReactiveSecurityContextHolder.getContext()
                .map(context -> context.getAuthentication())
                .filter(JwtAuthenticationToken.class::isInstance)
                .map(auth -> ((JwtAuthenticationToken) auth).getToken())
                .switchIfEmpty(Mono.error(new ApiProblem(401, "unauthorized", "Unauthorized",
                        "A bearer access token is required.")))
                .flatMap(this::withAgency)
                .flatMap(caller -> {
                    if (Arrays.stream(anyOfScopes).noneMatch(caller.scopes()::contains)) {
                        return Mono.error(new ApiProblem(403, "insufficient_scope", "Forbidden",
                                "This needs one of the scopes " + String.join(", ", anyOfScopes) + "."));
                    }
                    return Mono.just(caller);
                });
    }

    private Mono<Caller> withAgency(Jwt jwt) {
        String claimed = jwt.getClaimAsString("agency_id");
        Mono<Optional<String>> bound = agencies.findByClientId(clientId(jwt)).map(agency -> Optional.of(agency.id()))
                .defaultIfEmpty(Optional.empty());
        if (claimed == null) {
            return bound.map(agency -> caller(jwt, agency));
        }
        return bound.flatMap(agency -> {
            if (agency.isPresent()) {
                if (!agency.get().equals(claimed)) {
                    return Mono.error(new ApiProblem(403, "agency_binding_mismatch", "Forbidden",
                            "The token's agency_id and the agency registered for this client differ; an operator "
                                    + "must correct one of them."));
                }
                return Mono.just(caller(jwt, agency));
            }
            return agencies.find(claimed).map(known -> caller(jwt, Optional.of(known.id())))
                    .defaultIfEmpty(caller(jwt, Optional.empty()));
        });
    }

    static String clientId(Jwt jwt) {
        return TokenClaims.clientId(jwt);
    }

    static Caller caller(Jwt jwt, Optional<String> agencyId) {
        return new Caller(clientId(jwt), agencyId, TokenClaims.scopes(jwt));
    }
}
