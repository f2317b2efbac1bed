package org.civicstack.payments.common;

import java.util.Arrays;

import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.security.PlatformCaller;
import org.springframework.security.oauth2.jwt.Jwt;
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
        return PlatformCaller.current().map(CallerResolver::caller);
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
        return PlatformCaller.citizen().map(CallerResolver::caller);
    }

    static Caller caller(Jwt jwt) {
        return caller(PlatformCaller.of(jwt));
    }

    private static Caller caller(PlatformCaller caller) {
        return new Caller(caller.clientId(), caller.agencyId(), caller.citizenRef(), caller.scopes());
    }
}
