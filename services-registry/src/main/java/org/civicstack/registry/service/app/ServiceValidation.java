package org.civicstack.registry.service.app;

import java.util.ArrayList;
import java.util.List;

import jakarta.validation.Validator;
import org.civicstack.platform.net.UpstreamUrlCheck;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.FieldViolation;
import org.civicstack.platform.net.UnsafeUpstreamException;
import org.civicstack.platform.net.UpstreamUrl;
import org.civicstack.platform.api.LenientJson;
import org.civicstack.platform.api.Violations;
import org.civicstack.registry.service.domain.ServiceCode;
import org.civicstack.registry.service.domain.ServiceDefinition;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Every rule a service write must pass, checked together so that one answer reports every field error at once:
 * Bean Validation of the whole request, the service code's format, the cross-field rules of the definition and the
 * SSRF check of its upstream URL. Each registry write API (create, edit definition, bulk rows) goes through
 * {@link #check}; nothing is checked in a separate, earlier step that could end the request before the others run.
 *
 * <p>The answer: the definition with its upstream URL in canonical form (what is stored, shown and routed), or
 * one problem — {@code 422 unsafe_upstream} when the upstream URL is the only thing wrong (as before), otherwise
 * {@code 400 validation_failed} listing every violation, the upstream refusal included.
 */
@Component
public class ServiceValidation {

    private static final String CODE_RULE = "3-64 lower-case letters, digits and single hyphens, starting with a letter";

    private final Validator validator;
    private final UpstreamUrlCheck upstreamCheck;

    public ServiceValidation(Validator validator, UpstreamUrlCheck upstreamCheck) {
        this.validator = validator;
        this.upstreamCheck = upstreamCheck;
    }

    /** Bean Validation of a request object (with its nested {@code @Valid} parts); {@code prefix} before each field. */
    public List<FieldViolation> constraints(Object request, String prefix) {
        return Violations.of(validator.validate(request), prefix);
    }

    /** The code rule, when a code is given (a missing one is Bean Validation's {@code not_blank}). */
    public static List<FieldViolation> codeRule(String field, String code) {
        return code != null && !code.isBlank() && !ServiceCode.isValid(code)
                ? List.of(new FieldViolation(field, "pattern", CODE_RULE)) : List.of();
    }

    /**
     * The remaining rules of {@code definition} — cross-field rules and the upstream URL — reported together with
     * {@code found}, what the caller has already found in the same request (Bean Validation, its own fields).
     *
     * @param definition the definition as bound; may be {@code null} or partly {@code null} when it failed Bean
     *        Validation (those parts are then skipped, their violations are in {@code found})
     * @param prefix where the definition sits in the request, e.g. {@code definition.}
     * @return the definition with the canonical upstream URL; or an {@link ApiProblem} error
     */
    public Mono<ServiceDefinition> check(ServiceDefinition definition, String prefix, List<FieldViolation> found) {
        if (definition == null) {
            return Mono.error(problem(found, null));
        }
        List<FieldViolation> crossField = new ArrayList<>();
        for (String[] v : definition.crossFieldViolations()) {
            // a rule that reads a field which already failed (and was left empty) would only add noise
            boolean readsAFailedField = java.util.Arrays.stream(v[3].split(",")).filter(f -> !f.isBlank())
                    .anyMatch(f -> found.stream().anyMatch(e -> e.field().equals(prefix + f)));
            if (!readsAFailedField) {
                crossField.add(new FieldViolation(prefix + v[0], v[1], v[2]));
            }
        }
        List<FieldViolation> violations = LenientJson.merge(found, crossField);
        String field = prefix + "upstream.base_url";
        String baseUrl = definition.upstream() == null ? null : definition.upstream().baseUrl();
        boolean baseUrlChecked = baseUrl != null && !baseUrl.isBlank() && baseUrl.length() <= UpstreamUrl.MAX_LENGTH
                && violations.stream().noneMatch(v -> v.field().equals(field));
        if (!baseUrlChecked) {
            return violations.isEmpty() ? Mono.just(definition) : Mono.error(problem(violations, null));
        }
        return upstreamCheck.check(baseUrl)
                .map(canonical -> (Object) canonical)
                .onErrorResume(UnsafeUpstreamException.class, Mono::just)
                .flatMap(outcome -> {
                    if (outcome instanceof UnsafeUpstreamException refused) {
                        return Mono.error(problem(violations, refused.toProblem(field)));
                    }
                    if (!violations.isEmpty()) {
                        return Mono.error(problem(violations, null));
                    }
                    return Mono.just(definition.withBaseUrl(outcome.toString()));
                });
    }

    private static ApiProblem problem(List<FieldViolation> violations, ApiProblem unsafeUpstream) {
        if (unsafeUpstream != null && violations.isEmpty()) {
            return unsafeUpstream;
        }
        List<FieldViolation> all = new ArrayList<>(violations);
        if (unsafeUpstream != null) {
            all.addAll(unsafeUpstream.errors());
        }
        all.sort(Violations.ORDER);
        return ApiProblem.validation(all);
    }
}
