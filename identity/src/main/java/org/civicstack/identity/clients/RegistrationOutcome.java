package org.civicstack.identity.clients;

/** What registering a client changed. */
public enum RegistrationOutcome {
    CREATED,
    UPDATED,
    UNCHANGED
}
