package org.civicstack.registry.service.app;

import java.time.Instant;

import org.civicstack.registry.service.domain.ServiceDefinition;

/**
 * A service as agencies and operators see it: status, which revision serves, and the newest revision (which may
 * be a draft under review while the live one keeps serving).
 */
public record ServiceView(String id, String code, String agencyId, String status, String statusReason,
        Integer liveRevision, Integer previousRevision, int latestRevision, String latestRevisionState,
        String latestRejectReason, ServiceDefinition definition, Instant createdAt, Instant updatedAt) {
}
