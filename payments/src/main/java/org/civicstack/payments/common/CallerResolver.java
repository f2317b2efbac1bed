package org.civicstack.payments.common;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.security.TokenClaims;
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

    static final String CITIZEN_APP = "citizen_app";

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
        Set<String> scopes = TokenClaims.scopes(jwt);
        String clientId = TokenClaims.clientId(jwt);
        boolean citizen = CITIZEN_APP.equals(jwt.getClaimAsString("client_type")) && jwt.getSubject() != null;
        Optional<String> agency = citizen ? Optional.empty() : Optional.ofNullable(jwt.getClaimAsString("agency_id"));
        return new Caller(clientId, agency, citizen ? Optional.of(jwt.getSubject()) : Optional.empty(), scopes);
    }
}
