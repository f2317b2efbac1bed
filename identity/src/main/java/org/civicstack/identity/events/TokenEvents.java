package org.civicstack.identity.events;

/**
 * Where identity records token and login events. The implementation writes an outbox row in the caller's
 * transaction (when there is one), so an event exists exactly when its state change committed; a relay publishes
 * the outbox to the Redis stream {@value #STREAM}.
 */
@FunctionalInterface
public interface TokenEvents {

    String STREAM = "cs:identity:token-events";
    String EVENT_TYPE = "token_event";

    void record(TokenEvent event);
}
