package org.civicstack.registry.catalog;

import java.util.List;
import java.util.Locale;

import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.web.Languages;
import org.civicstack.platform.api.Page;
import org.civicstack.platform.api.Sql;
import org.civicstack.registry.service.domain.ServiceDefinition;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The citizen catalog: published services only, by category, by district (city-wide services count in every
 * district) and by text in Chinese or English — substring search on a trigram index, since Chinese has no spaces.
 * Public: browsing needs no login. Upstream details are never shown.
 */
@RestController
@RequestMapping("/v1/catalog/services")
public class CatalogController {

    /**
     * What the app shows for one service: {@code display_name}/{@code display_description} in the language the
     * {@code Accept-Language} header picks (zh-CN or en, zh-CN when neither is asked for), plus both languages.
     */
    public record CatalogItem(String code, String displayName, String displayDescription,
            ServiceDefinition.LocalizedText name,
            ServiceDefinition.LocalizedText description, String category, List<String> tags, String audience,
            List<String> districts, boolean cityWide, String accessLevel, int minAssuranceLevel) {
    }

    private final DatabaseClient db;
    private final JsonMapper json;

    public CatalogController(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    @GetMapping
    public Mono<Page<CatalogItem>> search(@RequestParam(required = false) String category,
            @RequestParam(required = false) String district, @RequestParam(required = false) String q,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor,
            @RequestHeader(value = "Accept-Language", required = false) String acceptLanguage) {
        boolean english = prefersEnglish(acceptLanguage);
        int size = Page.limit(limit);
        if (q != null && (q.isBlank() || q.length() > 100)) {
            return Mono.error(ApiProblem.badRequest("invalid_query", "q must be 1-100 characters."));
        }
        StringBuilder sql = new StringBuilder("SELECT code, definition FROM catalog_entry WHERE code > :after");
        if (category != null) {
            sql.append(" AND category = :category");
        }
        if (district != null) {
            sql.append(" AND (city_wide OR :district = ANY (districts))");
        }
        if (q != null) {
            sql.append(" AND search_text LIKE :pattern ESCAPE '\\'");
        }
        sql.append(" ORDER BY code LIMIT :limit");
        var spec = db.sql(sql.toString()).bind("after", Page.decodeCursor(cursor)).bind("limit", size + 1);
        if (category != null) {
            spec = spec.bind("category", category);
        }
        if (district != null) {
            spec = spec.bind("district", district);
        }
        if (q != null) {
            spec = spec.bind("pattern", "%" + likeEscape(q.strip().toLowerCase(Locale.ROOT)) + "%");
        }
        return spec.map(r -> item(r.get("code", String.class), Sql.json(r.get("definition")), english))
                .all()
                .collectList()
                .map(rows -> rows.size() > size
                        ? new Page<>(rows.subList(0, size), Page.encodeCursor(rows.get(size - 1).code()))
                        : new Page<>(rows, null));
    }

    @GetMapping("/{code}")
    public Mono<CatalogItem> get(@PathVariable String code,
            @RequestHeader(value = "Accept-Language", required = false) String acceptLanguage) {
        boolean english = prefersEnglish(acceptLanguage);
        return db.sql("SELECT code, definition FROM catalog_entry WHERE code = :code")
                .bind("code", code)
                .map(r -> item(r.get("code", String.class), Sql.json(r.get("definition")), english))
                .one()
                .switchIfEmpty(Mono.error(ApiProblem.notFound("service_not_found",
                        "No published service has this code.")));
    }

    private CatalogItem item(String code, String definitionJson, boolean english) {
        ServiceDefinition d = json.readValue(definitionJson, ServiceDefinition.class);
        return new CatalogItem(code, english ? d.name().en() : d.name().zhCn(),
                english ? d.description().en() : d.description().zhCn(), d.name(), d.description(), d.category(), d.tags(),
                d.audience().name().toLowerCase(Locale.ROOT), d.districts(), d.cityWide(),
                d.access().level().name().toLowerCase(Locale.ROOT), d.access().minAssuranceLevel());
    }

    static boolean prefersEnglish(String acceptLanguage) {
        return Languages.preferred(acceptLanguage, Languages.Language.ZH_CN) == Languages.Language.EN;
    }

    static String likeEscape(String s) {
        return s.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
    }
}
