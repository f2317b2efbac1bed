package org.civicstack.registry.audit;

import org.civicstack.platform.api.Sql;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Every admin action with actor, time, before and after; written in the caller's transaction. */
@Component
public class AuditLog {

    private final DatabaseClient db;

    public AuditLog(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> record(String actor, String action, String subjectType, String subjectId, String beforeJson,
            String afterJson, String reason) {
        var spec = db.sql("INSERT INTO audit_event (actor, action, subject_type, subject_id, before, after, reason) "
                        + "VALUES (:actor, :action, :type, :id, :before, :after, :reason)")
                .bind("actor", actor)
                .bind("action", action)
                .bind("type", subjectType)
                .bind("id", subjectId);
        spec = Sql.bindJson(spec, "before", beforeJson);
        spec = Sql.bindJson(spec, "after", afterJson);
        spec = Sql.bind(spec, "reason", reason, String.class);
        return spec.then();
    }
}
