package org.civicstack.certificates.citizen;

import java.util.Map;

import org.civicstack.certificates.CertificatesProperties;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.security.PlatformClientCredentials;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;

/**
 * {@link CitizenDirectory} over identity's {@code POST /v1/identity/citizen-references/resolve}, as this service's
 * platform client (client credentials, scope {@code identity:resolve}; Spring Security's OAuth2 client caches the
 * token until it expires).
 */
public final class IdentityCitizenDirectory implements CitizenDirectory {

    private final WebClient identity;
    private final CertificatesProperties.Identity settings;

    public IdentityCitizenDirectory(WebClient.Builder builder, CertificatesProperties.Identity settings) {
        this.identity = PlatformClientCredentials.webClient(builder, settings.baseUrl(), settings.tokenUri(),
                settings.clientId(), settings.clientSecret(), "identity:resolve");
        this.settings = settings;
    }

    @Override
    public Mono<String> bySubject(String agencyId, String pairwiseSubject) {
        // a subject identity finds malformed is one it never gave out
        return resolve(Map.of("agency_id", agencyId, "subject", pairwiseSubject))
                .onErrorResume(InvalidRequest.class, e -> Mono.empty());
    }

    /** Identity checks the number (GB 11643, its check character); one it refuses is the caller's field error. */
    @Override
    public Mono<String> byResidentIdNumber(String residentIdNumber) {
        return resolve(Map.of("resident_id_number", residentIdNumber))
                .onErrorMap(InvalidRequest.class, e -> ApiProblem.validation(java.util.List.of(
                        new org.civicstack.platform.error.FieldViolation("resident_id_number", "invalid_format",
                                "is not a valid resident ID number (GB 11643: region, birth date, check character)"))));
    }

    /** Identity answered 400 to what we sent. */
    private static final class InvalidRequest extends RuntimeException {
        InvalidRequest() {
            super("identity refused the request as invalid", null, false, false);
        }
    }

    private Mono<String> resolve(Map<String, String> body) {
        return identity.post()
                .uri("/v1/identity/citizen-references/resolve")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .retrieve()
                .bodyToMono(Map.class)
                .map(answer -> String.valueOf(answer.get("citizen_ref")))
                .timeout(settings.timeout())
                .onErrorResume(WebClientResponseException.class, e -> e.getStatusCode() == HttpStatus.NOT_FOUND
                        ? Mono.empty()
                        : e.getStatusCode() == HttpStatus.BAD_REQUEST ? Mono.error(new InvalidRequest())
                        : Mono.error(unavailable(e)))
                .onErrorMap(e -> !(e instanceof ApiProblem) && !(e instanceof InvalidRequest),
                        IdentityCitizenDirectory::unavailable);
    }

    /** Identity could not answer: the caller's request did nothing and can be retried. */
    private static ApiProblem unavailable(Throwable cause) {
        return new ApiProblem(503, "identity_unavailable", "Service Unavailable",
                "Identity could not resolve the citizen just now; nothing was done, retry shortly.",
                java.util.List.of(), Map.of("Retry-After", "5"));
    }
}
