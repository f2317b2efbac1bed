package org.civicstack.payments.webhook;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;

import org.civicstack.platform.api.Ids;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Records an agency webhook event in the transaction of the change it reports (the outbox): committed together or
 * not at all, so no outcome is reported that did not happen and none that happened goes unreported. The
 * {@code WebhookDispatcher} delivers what is recorded here.
 */
@Component
public class WebhookOutbox {

    private final DatabaseClient db;
    private final JsonMapper json;

    public WebhookOutbox(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /** Emits the new event's id. */
    public Mono<String> append(String agencyId, String type, Map<String, Object> data, Instant now) {
        String id = Ids.newId("evt");
        Map<String, Object> payload = Map.of("id", id, "type", type, "created_at", now.toString(), "data", data);
        return db.sql("insert into webhook_event (id, agency_id, type, payload, created_at, next_attempt_at)"
                        + " values (:id, :agency, :type, :payload, :now, :now)")
                .bind("id", id).bind("agency", agencyId).bind("type", type)
                .bind("payload", io.r2dbc.postgresql.codec.Json.of(json.writeValueAsString(payload)))
                .bind("now", now.atOffset(ZoneOffset.UTC))
                .fetch().rowsUpdated()
                .thenReturn(id);
    }
}
