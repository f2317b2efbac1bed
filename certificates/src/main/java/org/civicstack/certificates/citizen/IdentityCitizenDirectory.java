package org.civicstack.certificates.citizen;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.civicstack.certificates.CertificatesProperties;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.security.PlatformClientCredentials;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * {@link CitizenDirectory} over identity's {@code POST /v1/identity/citizen-references/resolve}, as this service's
 * platform client (client credentials, scope {@code identity:resolve}; Spring Security's OAuth2 client caches the
 * token until it expires); many names at once over {@code POST /v1/identity/citizen-references/resolve-batch}.
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

    /**
     * Identity answers one element per item: the citizen, or {@code error} {@code unknown_subject} /
     * {@code unknown_citizen}. If it refuses the batch (400: an item it finds malformed, e.g. a resident ID number
     * whose check character is wrong), the items it names carry its violation and the others are left unresolved
     * without a field: nothing is issued for such a batch anyway.
     */
    @Override
    public Mono<List<Resolution>> resolveAll(String agencyId, List<CitizenName> names) {
        if (names.size() > MAX_BATCH) {
            return Mono.error(new IllegalArgumentException("at most " + MAX_BATCH + " names per call"));
        }
        List<Map<String, String>> items = new ArrayList<>(names.size());
        for (CitizenName name : names) {
            items.add(name.subject() != null ? Map.of("agency_id", agencyId, "subject", name.subject())
                    : Map.of("resident_id_number", name.residentIdNumber()));
        }
        return identity.post()
                .uri("/v1/identity/citizen-references/resolve-batch")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("items", items))
                .retrieve()
                .bodyToMono(JsonNode.class)
                .map(answer -> answers(agencyId, names, answer))
                .timeout(settings.timeout())
                .onErrorResume(WebClientResponseException.class, e -> e.getStatusCode() == HttpStatus.BAD_REQUEST
                        ? Mono.just(refusals(names, e.getResponseBodyAs(JsonNode.class)))
                        : Mono.error(unavailable(e)))
                .onErrorMap(e -> !(e instanceof ApiProblem), IdentityCitizenDirectory::unavailable);
    }

    private static List<Resolution> answers(String agencyId, List<CitizenName> names, JsonNode answer) {
        JsonNode data = answer == null ? null : answer.get("data");
        if (data == null || !data.isArray() || data.size() != names.size()) {
            throw new IllegalStateException("identity's batch answer does not have one element per name");
        }
        List<Resolution> out = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            JsonNode one = data.get(i);
            if (one.hasNonNull("citizen_ref")) {
                out.add(Resolution.found(one.get("citizen_ref").asString()));
            } else if (names.get(i).subject() != null) {
                out.add(new Resolution(null, "subject", "unknown_subject",
                        "Identity gave agency " + agencyId + " no such subject."));
            } else {
                out.add(new Resolution(null, "resident_id_number", "unknown_citizen",
                        "No citizen account is verified (assurance level 2 or more) with that resident ID number."));
            }
        }
        return out;
    }

    private static final Pattern ITEM_FIELD = Pattern.compile("items\\[(\\d+)]\\.([a-z_]+)");

    private static List<Resolution> refusals(List<CitizenName> names, JsonNode problem) {
        Map<Integer, Resolution> flagged = new LinkedHashMap<>();
        JsonNode errors = problem == null ? null : problem.get("errors");
        if (errors != null && errors.isArray()) {
            for (JsonNode error : errors) {
                Matcher m = ITEM_FIELD.matcher(error.path("field").asString(""));
                if (m.matches() && Integer.parseInt(m.group(1)) < names.size()) {
                    flagged.putIfAbsent(Integer.parseInt(m.group(1)), new Resolution(null, m.group(2),
                            error.path("code").asString("invalid_format"), error.path("message").asString("")));
                }
            }
        }
        if (flagged.isEmpty()) {
            throw new IllegalStateException("identity refused a batch without naming an item: " + problem);
        }
        List<Resolution> out = new ArrayList<>(names.size());
        for (int i = 0; i < names.size(); i++) {
            out.add(flagged.getOrDefault(i, new Resolution(null, null, null, null)));
        }
        return out;
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
