package org.civicstack.registry.agency;

import java.util.Locale;

import io.r2dbc.spi.Readable;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.api.Sql;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** SQL for agencies. */
@Repository
public class AgencyStore {

    private static final String COLUMNS = "id, name_zh_cn, name_en, unit_type, district, contact_name, contact_email, "
            + "contact_phone, oauth_client_id";

    private final DatabaseClient db;

    public AgencyStore(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Void> insert(Agency a) {
        var spec = db.sql("INSERT INTO agency (" + COLUMNS + ") VALUES (:id, :zh, :en, :type, :district, :contact, "
                        + ":email, :phone, :client)")
                .bind("id", a.id())
                .bind("zh", a.nameZhCn())
                .bind("en", a.nameEn())
                .bind("type", a.unitType().name().toLowerCase(Locale.ROOT))
                .bind("contact", a.contactName())
                .bind("email", a.contactEmail())
                .bind("client", a.oauthClientId());
        spec = Sql.bind(spec, "district", a.district(), String.class);
        spec = Sql.bind(spec, "phone", a.contactPhone(), String.class);
        return spec.then();
    }

    public Mono<Agency> find(String id) {
        return db.sql("SELECT " + COLUMNS + " FROM agency WHERE id = :id").bind("id", id).map(AgencyStore::row).one();
    }

    public Mono<Agency> findByClientId(String clientId) {
        return db.sql("SELECT " + COLUMNS + " FROM agency WHERE oauth_client_id = :client")
                .bind("client", clientId)
                .map(AgencyStore::row)
                .one();
    }

    public Flux<Agency> list(String afterId, int limit) {
        return db.sql("SELECT " + COLUMNS + " FROM agency WHERE id > :after ORDER BY id LIMIT :limit")
                .bind("after", afterId)
                .bind("limit", limit)
                .map(AgencyStore::row)
                .all();
    }

    public Mono<Void> requireExists(String id) {
        return find(id).switchIfEmpty(Mono.error(new ApiProblem(403, "agency_not_registered", "Forbidden",
                "The agency this client belongs to is not registered with the platform."))).then();
    }

    private static Agency row(Readable r) {
        return new Agency(r.get("id", String.class), r.get("name_zh_cn", String.class), r.get("name_en", String.class),
                Agency.UnitType.valueOf(r.get("unit_type", String.class).toUpperCase(Locale.ROOT)),
                r.get("district", String.class), r.get("contact_name", String.class),
                r.get("contact_email", String.class), r.get("contact_phone", String.class),
                r.get("oauth_client_id", String.class));
    }
}
