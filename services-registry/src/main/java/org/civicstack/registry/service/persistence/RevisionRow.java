package org.civicstack.registry.service.persistence;

import java.time.Instant;

import org.civicstack.registry.service.domain.RevisionState;

/** One revision of a service definition; {@code definitionJson} is the stored (snake_case) definition. */
public record RevisionRow(String serviceId, int revision, RevisionState state, String definitionJson,
        String rejectReason, String createdBy, Instant createdAt) {

    public RevisionRow withState(RevisionState newState, String reason) {
        return new RevisionRow(serviceId, revision, newState, definitionJson, reason, createdBy, createdAt);
    }

    public RevisionRow withDefinition(String json, String by) {
        return new RevisionRow(serviceId, revision, state, json, null, by, createdAt);
    }
}
