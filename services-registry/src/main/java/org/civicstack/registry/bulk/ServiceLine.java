package org.civicstack.registry.bulk;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.civicstack.registry.service.domain.ServiceDefinition;
import org.civicstack.registry.service.domain.ServiceStatus;

/**
 * One line of a bulk file: the same shape is exported and imported, so an export can be imported as it is.
 *
 * @param agencyId the owning agency, which must already be registered
 * @param code the service's code (unique, never reused)
 * @param status import: the status to create the service in (draft, submitted, published, suspended or retired);
 *        export: its status. Give either this or {@code publish}, not both
 * @param statusReason why the service is suspended or retired; required for those statuses, refused for others
 * @param publish import only: {@code true} = published, {@code false} or absent = draft
 * @param definition the definition, as the create API takes it
 */
public record ServiceLine(
        @NotBlank String agencyId,
        @NotBlank String code,
        ServiceStatus status,
        @Size(max = 500) String statusReason,
        Boolean publish,
        @NotNull @Valid ServiceDefinition definition) {

    /** The same row with another definition (the validated one, with its canonical upstream URL). */
    public ServiceLine withDefinition(ServiceDefinition validated) {
        return new ServiceLine(agencyId, code, status, statusReason, publish, validated);
    }

    /** The status the import leaves the service in. */
    public ServiceStatus targetStatus() {
        if (status != null) {
            return status;
        }
        return Boolean.TRUE.equals(publish) ? ServiceStatus.PUBLISHED : ServiceStatus.DRAFT;
    }
}
