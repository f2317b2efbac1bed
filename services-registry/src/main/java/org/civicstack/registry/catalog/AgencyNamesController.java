package org.civicstack.registry.catalog;

import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.web.Languages;
import org.civicstack.registry.agency.AgencyStore;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Who an agency is, for citizens: its names only (never contacts or its OAuth client), public like the rest of the
 * catalog. Certificates shows it on a consent screen ("深圳市卫生健康委员会 asks for…"); the app may show it beside a
 * service.
 */
@RestController
@RequestMapping("/v1/catalog/agencies")
public class AgencyNamesController {

    /** An agency as citizens see it; {@code display_name} in the language {@code Accept-Language} picks. */
    public record AgencyName(String id, String displayName, String nameZhCn, String nameEn, String unitType) {
    }

    private final AgencyStore agencies;

    public AgencyNamesController(AgencyStore agencies) {
        this.agencies = agencies;
    }

    @GetMapping("/{id}")
    public Mono<AgencyName> get(@PathVariable String id,
            @RequestHeader(value = "Accept-Language", required = false) String acceptLanguage) {
        boolean english = Languages.preferred(acceptLanguage, Languages.Language.ZH_CN) == Languages.Language.EN;
        return agencies.find(id)
                .map(a -> new AgencyName(a.id(), english ? a.nameEn() : a.nameZhCn(), a.nameZhCn(), a.nameEn(),
                        a.unitType().name().toLowerCase(java.util.Locale.ROOT)))
                .switchIfEmpty(Mono.error(ApiProblem.notFound("agency_not_found", "No such agency.")));
    }
}
