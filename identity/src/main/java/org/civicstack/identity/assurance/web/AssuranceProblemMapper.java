package org.civicstack.identity.assurance.web;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.civicstack.identity.assurance.verification.AssuranceRefused;
import org.civicstack.platform.error.FieldViolation;
import org.civicstack.platform.error.Problem;
import org.civicstack.platform.error.ProblemMapper;
import org.springframework.stereotype.Component;

/**
 * Assurance refusals as problem+json: the {@code code} is the refusal ({@code invalid_id_number},
 * {@code identity_mismatch}, {@code already_bound}, …); a refusal about a field carries one {@code errors} entry
 * whose {@code code} is the finer reason ({@code bad_check_character}); {@code Retry-After} where waiting helps.
 */
@Component
class AssuranceProblemMapper implements ProblemMapper {

    @Override
    public Optional<Problem> map(Throwable error, String instance) {
        if (!(error instanceof AssuranceRefused refused)) {
            return Optional.empty();
        }
        List<FieldViolation> errors = refused.field() == null ? List.of()
                : List.of(new FieldViolation(refused.field(), refused.reason(), refused.getMessage()));
        Map<String, String> headers = refused.retryAfterDuration() == null ? Map.of()
                : Map.of("Retry-After", Long.toString(Math.max(1, refused.retryAfterDuration().toSeconds())));
        return Optional.of(new Problem(refused.refusal().status(), refused.refusal().code(), refused.refusal().title(),
                refused.getMessage(), instance, errors, headers));
    }
}
