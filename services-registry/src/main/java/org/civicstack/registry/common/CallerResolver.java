package org.civicstack.registry.common;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import org.civicstack.platform.error.ApiProblem;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Turns the validated access token into a {@link Caller} and enforces per-API scopes. */
@Component
public class CallerResolver {

    /** The caller, who must hold at least one of {@code anyOfScopes}; otherwise a 403 problem naming them. */
    public Mono<Caller> require(String... anyOfScopes) {
        return ReactiveSecurityContextHolder.getContext()
                .map(context -> context.getAuthentication())
                .filter(JwtAuthenticationToken.class::isInstance)
                .map(auth -> caller(((JwtAuthenticationToken) auth).getToken()))
                .switchIfEmpty(Mono.error(new ApiProblem(401, "unauthorized", "Unauthorized",
                        "A bearer access token is required.")))
                .flatMap(caller -> {
                    if (Arrays.stream(anyOfScopes).noneMatch(caller.scopes()::contains)) {
                        return Mono.error(new ApiProblem(403, "insufficient_scope", "Forbidden",
                                "This needs one of the scopes " + String.join(", ", anyOfScopes) + "."));
                    }
                    return Mono.just(caller);
                });
    }

    static Caller caller(Jwt jwt) {
        Set<String> scopes = new HashSet<>();
        Object scope = jwt.getClaims().get("scope");
        if (scope instanceof String s) {
            scopes.addAll(Arrays.asList(s.split(" ")));
        } else if (scope instanceof java.util.Collection<?> c) {
            c.forEach(x -> scopes.add(String.valueOf(x)));
        }
        return new Caller(jwt.getSubject(), Optional.ofNullable(jwt.getClaimAsString("agency_id")), scopes);
    }
}
