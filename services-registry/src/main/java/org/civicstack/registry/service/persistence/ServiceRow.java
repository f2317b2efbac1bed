package org.civicstack.registry.service.persistence;

import java.time.Instant;

import org.civicstack.registry.service.domain.ServiceStatus;

/** The {@code service} table row: identity, owner, status and which revisions serve. */
public record ServiceRow(String id, String code, String agencyId, ServiceStatus status, Integer liveRevision,
        Integer previousRevision, int latestRevision, String statusReason, Instant createdAt, Instant updatedAt) {

    public ServiceRow withStatus(ServiceStatus newStatus, String reason) {
        return new ServiceRow(id, code, agencyId, newStatus, liveRevision, previousRevision, latestRevision, reason,
                createdAt, updatedAt);
    }

    public ServiceRow withRevisions(Integer live, Integer previous, int latest) {
        return new ServiceRow(id, code, agencyId, status, live, previous, latest, statusReason, createdAt, updatedAt);
    }
}
