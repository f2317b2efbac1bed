package org.civicstack.payments.common;

import java.util.Arrays;

import org.civicstack.platform.error.ApiProblem;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Turns the validated access token into a {@link Caller}. Which agency a client acts for is identity's to say (its
 * {@code agency_id} claim, ADR 0007); a citizen is a token of {@code client_type} {@code citizen_app}, whose
 * {@code sub} is the citizen's platform reference.
 */
@Component
public class CallerResolver {

    public Mono<Caller> current() {
        return ReactiveSecurityContextHolder.getContext()
                .map(context -> context.getAuthentication())
                .filter(JwtAuthenticationToken.class::isInstance)
                .map(auth -> caller(((JwtAuthenticationToken) auth).getToken()))
                .switchIfEmpty(Mono.error(new ApiProblem(401, "unauthorized", "Unauthorized",
                        "A bearer access token is required.")));
    }

    /** An agency client holding at least one of {@code anyOfScopes} (operators pass too where they hold one). */
    public Mono<Caller> agency(String... anyOfScopes) {
        return current().flatMap(caller -> {
            if (Arrays.stream(anyOfScopes).noneMatch(caller.scopes()::contains)) {
                return Mono.error(new ApiProblem(403, "insufficient_scope", "Forbidden",
                        "This needs one of the scopes " + String.join(", ", anyOfScopes) + "."));
            }
            if (caller.agencyId().isEmpty() && !caller.isOperator()) {
                return Mono.error(new ApiProblem(403, "not_an_agency", "Forbidden",
                        "Only a client registered to an agency can do this."));
            }
            return Mono.just(caller);
        });
    }

    /** A citizen through the app. */
    public Mono<Caller> citizen() {
        return current().flatMap(caller -> caller.citizenRef().isPresent() ? Mono.just(caller)
                : Mono.error(new ApiProblem(403, "citizen_token_required", "Forbidden",
                        "This API needs a citizen app access token.")));
    }

    static Caller caller(Jwt jwt) {
        var caller = org.civicstack.platform.security.PlatformCaller.of(jwt);
        return new Caller(caller.clientId(), caller.agencyId(), caller.citizenRef(), caller.scopes());
    }
}
