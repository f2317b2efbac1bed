package org.civicstack.registry.service.domain;

/**
 * Review state of one revision of a service definition. The first revision's state mirrors the service status;
 * later revisions of a published service go draft → submitted → approved (then it serves, and the one before it
 * becomes {@code superseded}) or back to draft when rejected.
 */
public enum RevisionState {
    DRAFT, SUBMITTED, APPROVED, SUPERSEDED;

    public String apiValue() {
        return name().toLowerCase();
    }
}
