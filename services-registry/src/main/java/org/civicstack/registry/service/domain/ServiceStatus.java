package org.civicstack.registry.service.domain;

/** Where a service is in its life; lower-case in the API. */
public enum ServiceStatus {
    DRAFT, SUBMITTED, PUBLISHED, SUSPENDED, RETIRED;

    public String apiValue() {
        return name().toLowerCase();
    }

    /** Whether the gateway knows this service at all (serves it, or answers that it is suspended/retired). */
    public boolean isRouted() {
        return this == PUBLISHED || this == SUSPENDED || this == RETIRED;
    }
}
