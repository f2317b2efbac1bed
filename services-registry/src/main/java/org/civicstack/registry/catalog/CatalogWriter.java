package org.civicstack.registry.catalog;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import org.civicstack.platform.api.Sql;
import org.civicstack.registry.service.domain.ServiceDefinition;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Keeps the citizen catalog in step with what is published, in the caller's transaction. */
@Component
public class CatalogWriter {

    private final DatabaseClient db;
    private final JsonMapper json;

    public CatalogWriter(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    public Mono<Void> show(String serviceId, String code, String agencyId, ServiceDefinition d) {
        var spec = db.sql("INSERT INTO catalog_entry (service_id, code, agency_id, category, audience, city_wide, "
                        + "districts, search_text, definition) VALUES (:id, :code, :agency, :category, :audience, "
                        + ":cityWide, :districts, :search, :definition) ON CONFLICT (service_id) DO UPDATE SET "
                        + "category = EXCLUDED.category, audience = EXCLUDED.audience, city_wide = EXCLUDED.city_wide, "
                        + "districts = EXCLUDED.districts, search_text = EXCLUDED.search_text, definition = EXCLUDED.definition")
                .bind("id", serviceId)
                .bind("code", code)
                .bind("agency", agencyId)
                .bind("category", d.category())
                .bind("audience", d.audience().name().toLowerCase(Locale.ROOT))
                .bind("cityWide", d.cityWide())
                .bind("districts", d.districts().toArray(String[]::new))
                .bind("search", searchText(code, d));
        return Sql.bindJson(spec, "definition", json.writeValueAsString(d)).then();
    }

    public Mono<Void> hide(String serviceId) {
        return db.sql("DELETE FROM catalog_entry WHERE service_id = :id").bind("id", serviceId).then();
    }

    static String searchText(String code, ServiceDefinition d) {
        List<String> parts = new ArrayList<>(List.of(code, d.name().zhCn(), d.name().en(), d.description().zhCn(),
                d.description().en()));
        parts.addAll(d.tags());
        return String.join(" ", parts).toLowerCase(Locale.ROOT);
    }
}
