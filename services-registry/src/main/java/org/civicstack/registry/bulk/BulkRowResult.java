package org.civicstack.registry.bulk;

import java.util.List;

import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.FieldViolation;
import org.civicstack.registry.service.domain.ServiceStatus;

/**
 * What happened to one line of an import.
 *
 * @param line the line number in the file, from 1
 * @param code the service code, when the line got far enough to name one
 * @param status {@code created} (a draft), {@code submitted}, {@code published}, {@code suspended}, {@code retired},
 *        or {@code failed}
 * @param serviceId the new service's id; absent when the row failed
 * @param error the problem code of a failed row ({@code malformed_json}, {@code validation_failed},
 *        {@code unsafe_upstream}, {@code agency_not_found}, {@code service_code_taken}, ...)
 * @param errors for a failed row, what was wrong, field by field
 */
public record BulkRowResult(int line, String code, String status, String serviceId, String error,
        List<FieldViolation> errors) {

    public static final String FAILED = "failed";

    static BulkRowResult imported(int line, String code, ServiceStatus status, String serviceId) {
        return new BulkRowResult(line, code, outcome(status), serviceId, null, null);
    }

    static BulkRowResult failed(int line, String code, ApiProblem problem) {
        List<FieldViolation> errors = problem.errors().isEmpty()
                ? List.of(new FieldViolation("", problem.code(), problem.getMessage()))
                : problem.errors();
        return new BulkRowResult(line, code, FAILED, null, problem.code(), errors);
    }

    /** The result word for a service imported in {@code status}: a draft is {@code created}. */
    static String outcome(ServiceStatus status) {
        return status == ServiceStatus.DRAFT ? "created" : status.apiValue();
    }
}
