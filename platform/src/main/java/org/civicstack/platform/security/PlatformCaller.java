package org.civicstack.platform.security;

import java.util.Arrays;
import java.util.Optional;
import java.util.Set;

import org.civicstack.platform.error.ApiProblem;
import org.springframework.security.core.context.ReactiveSecurityContextHolder;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.server.resource.authentication.JwtAuthenticationToken;
import reactor.core.publisher.Mono;

/**
 * Who is calling a platform API, from the validated access token: an agency client (identity's {@code agency_id}
 * claim, ADR 0007), a citizen through the app (a token of {@code client_type} {@code citizen_app}, whose {@code sub}
 * is the citizen's platform reference), an operator or a platform component.
 *
 * @param clientId   the OAuth client
 * @param agencyId   the agency that client belongs to, agency clients only
 * @param citizenRef the citizen's platform reference, citizen tokens only
 * @param clientType identity's {@code client_type} claim
 */
public record PlatformCaller(String clientId, Optional<String> agencyId, Optional<String> citizenRef,
        Set<String> scopes, String clientType) {

    public static final String CITIZEN_APP = "citizen_app";

    public PlatformCaller {
        scopes = Set.copyOf(scopes);
    }

    public static PlatformCaller of(Jwt jwt) {
        Set<String> scopes = TokenClaims.scopes(jwt);
        String clientType = jwt.getClaimAsString("client_type");
        boolean citizen = CITIZEN_APP.equals(clientType) && jwt.getSubject() != null;
        Optional<String> agency = citizen ? Optional.empty() : Optional.ofNullable(jwt.getClaimAsString("agency_id"));
        return new PlatformCaller(TokenClaims.clientId(jwt), agency,
                citizen ? Optional.of(jwt.getSubject()) : Optional.empty(), scopes, clientType);
    }

    /** The caller of the current request; 401 problem without a validated bearer token. */
    public static Mono<PlatformCaller> current() {
        return ReactiveSecurityContextHolder.getContext()
                .map(context -> context.getAuthentication())
                .filter(JwtAuthenticationToken.class::isInstance)
                .map(auth -> of(((JwtAuthenticationToken) auth).getToken()))
                .switchIfEmpty(Mono.error(new ApiProblem(401, "unauthorized", "Unauthorized",
                        "A bearer access token is required.")));
    }

    /** A citizen through the app; 403 otherwise. */
    public static Mono<PlatformCaller> citizen() {
        return current().flatMap(caller -> caller.citizenRef().isPresent() ? Mono.just(caller)
                : Mono.error(new ApiProblem(403, "citizen_token_required", "Forbidden",
                        "This API needs a citizen app access token.")));
    }

    /** An agency client holding at least one of {@code anyOfScopes}; 403 otherwise. */
    public static Mono<PlatformCaller> agency(String... anyOfScopes) {
        return withScope(anyOfScopes).flatMap(caller -> caller.agencyId().isPresent() ? Mono.just(caller)
                : Mono.error(new ApiProblem(403, "not_an_agency", "Forbidden",
                        "Only a client registered to an agency can do this.")));
    }

    /** Any client holding at least one of {@code anyOfScopes}; 403 otherwise. */
    public static Mono<PlatformCaller> withScope(String... anyOfScopes) {
        return current().flatMap(caller -> Arrays.stream(anyOfScopes).anyMatch(caller.scopes()::contains)
                ? Mono.just(caller)
                : Mono.error(new ApiProblem(403, "insufficient_scope", "Forbidden",
                        "This needs one of the scopes " + String.join(", ", anyOfScopes) + ".")));
    }

    public String requireAgency() {
        return agencyId.orElseThrow(() -> new ApiProblem(403, "not_an_agency", "Forbidden",
                "Only a client registered to an agency can do this."));
    }

    public String requireCitizen() {
        return citizenRef.orElseThrow(() -> new ApiProblem(403, "citizen_token_required", "Forbidden",
                "This API needs a citizen app access token."));
    }
}
