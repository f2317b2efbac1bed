package org.civicstack.registry.common;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import org.civicstack.platform.error.ApiProblem;
import org.civicstack.registry.agency.AgencyStore;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Turns the validated access token into a {@link Caller} and enforces per-API scopes. An agency is known by the
 * OAuth client it was registered with ({@code agency.oauth_client_id}): the registry, not a token claim, is the
 * source of truth for which agency a client acts for.
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
                .flatMap(jwt -> agencies.findByClientId(clientId(jwt))
                        .map(agency -> caller(jwt, Optional.of(agency.id())))
                        .defaultIfEmpty(caller(jwt, Optional.empty())))
                .flatMap(caller -> {
                    if (Arrays.stream(anyOfScopes).noneMatch(caller.scopes()::contains)) {
                        return Mono.error(new ApiProblem(403, "insufficient_scope", "Forbidden",
                                "This needs one of the scopes " + String.join(", ", anyOfScopes) + "."));
                    }
                    return Mono.just(caller);
                });
    }

    static String clientId(Jwt jwt) {
        String clientId = jwt.getClaimAsString("client_id");
        return clientId != null ? clientId : jwt.getSubject();
    }

    static Caller caller(Jwt jwt, Optional<String> agencyId) {
        Set<String> scopes = new HashSet<>();
        Object scope = jwt.getClaims().get("scope");
        if (scope instanceof String s) {
            scopes.addAll(Arrays.asList(s.split(" ")));
        } else if (scope instanceof java.util.Collection<?> c) {
            c.forEach(x -> scopes.add(String.valueOf(x)));
        }
        return new Caller(clientId(jwt), agencyId, scopes);
    }
}
