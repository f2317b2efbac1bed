package org.civicstack.certificates.types;

import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.civicstack.certificates.CertificatesProperties;
import org.civicstack.certificates.common.Scopes;
import org.civicstack.platform.api.Page;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.security.PlatformCaller;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Credential types. An issuing agency registers and maintains its own ({@code certificates:types}); anyone reads them:
 * {@code GET /v1/certificates/types/{id}} is the type's {@code vct} URL and answers with its SD-JWT VC Type Metadata
 * (draft-ietf-oauth-sd-jwt-vc §6: display per language, claim labels, which claims are selectively disclosable).
 */
@RestController
@RequestMapping("/v1/certificates/types")
@Tag(name = "credential-types", description = "Credential types: registered by issuing agencies, readable by anyone (vct metadata)")
public class CredentialTypeController {

    private final CredentialTypeStore types;
    private final CertificatesProperties properties;
    private final Clock clock;

    public CredentialTypeController(CredentialTypeStore types, CertificatesProperties properties, Clock clock) {
        this.types = types;
        this.properties = properties;
        this.clock = clock;
    }

    @PostMapping
    @Operation(operationId = "registerCredentialType", summary = "Register a credential type this agency issues (certificates:types)")
    public Mono<ResponseEntity<Map<String, Object>>> register(@RequestBody JsonNode body) {
        return PlatformCaller.agency(Scopes.TYPES).flatMap(caller -> {
            TypeDefinitionReader.Definition d = TypeDefinitionReader.read(body, true);
            var now = clock.instant();
            CredentialType type = new CredentialType(d.id(), caller.requireAgency(), d.name(), d.description(),
                    d.claims(), d.validityDays(), d.display(), "active", 1, now, now);
            return types.insert(type).flatMap(inserted -> inserted
                    ? Mono.just(ResponseEntity.status(HttpStatus.CREATED)
                            .header("Location", "/v1/certificates/types/" + type.id()).body(view(type)))
                    : Mono.error(ApiProblem.conflict("type_id_taken",
                            "A credential type with id " + type.id() + " exists; choose another id.")));
        });
    }

    @PutMapping("/{id}")
    @Operation(operationId = "updateCredentialType", summary = "Update a type's names, display, validity; add claims (the issuing agency)")
    public Mono<Map<String, Object>> update(@PathVariable String id, @RequestBody JsonNode body) {
        return PlatformCaller.agency(Scopes.TYPES).flatMap(caller -> owned(id, caller).flatMap(current -> {
            TypeDefinitionReader.Definition d = TypeDefinitionReader.read(body, false);
            List<String> problems = new ArrayList<>();
            for (ClaimDefinition old : current.claims()) {
                var now = d.claims().stream().filter(c -> c.name().equals(old.name())).findFirst();
                if (now.isEmpty()) {
                    problems.add(old.name() + " removed");
                } else if (!now.get().type().equals(old.type()) || now.get().disclosable() != old.disclosable()) {
                    problems.add(old.name() + " changed type or disclosability");
                }
            }
            for (ClaimDefinition added : d.claims()) {
                if (current.claim(added.name()).isEmpty() && added.required()) {
                    problems.add(added.name() + " added as required");
                }
            }
            if (!problems.isEmpty()) {
                return Mono.error(ApiProblem.unprocessable("incompatible_type_change", "Credentials already issued "
                        + "must stay valid under the type: claims can be added (optional) but not removed or changed ("
                        + String.join("; ", problems) + "). Register a new type instead."));
            }
            CredentialType next = new CredentialType(id, current.issuerAgencyId(), d.name(), d.description(),
                    d.claims(), d.validityDays(), d.display(), current.status(), current.version() + 1,
                    current.createdAt(), clock.instant());
            return types.update(next, current.version()).flatMap(ok -> ok ? Mono.just(view(next))
                    : Mono.error(ApiProblem.conflict("concurrent_update", "The type changed meanwhile; read it and retry.")));
        }));
    }

    @PostMapping("/{id}/retire")
    @Operation(operationId = "retireCredentialType", summary = "Stop issuing a type (issued credentials stay valid)")
    public Mono<Map<String, Object>> retire(@PathVariable String id) {
        return PlatformCaller.agency(Scopes.TYPES).flatMap(caller -> owned(id, caller).flatMap(current -> {
            CredentialType next = new CredentialType(id, current.issuerAgencyId(), current.name(),
                    current.description(), current.claims(), current.validityDays(), current.display(), "retired",
                    current.version() + 1, current.createdAt(), clock.instant());
            return types.update(next, current.version()).thenReturn(view(next));
        }));
    }

    @GetMapping("/{id}")
    @Operation(operationId = "getCredentialType", summary = "A credential type: its vct metadata (public)")
    public Mono<Map<String, Object>> get(@PathVariable String id) {
        return types.find(id).map(this::view)
                .switchIfEmpty(Mono.error(ApiProblem.notFound("unknown_type", "No credential type " + id + ".")));
    }

    @GetMapping
    @Operation(operationId = "listCredentialTypes", summary = "Credential types, optionally of one issuing agency (public)")
    public Mono<Map<String, Object>> list(@RequestParam(required = false) String issuer,
            @RequestParam(required = false) Integer limit, @RequestParam(required = false) String cursor) {
        int size = Page.limit(limit);
        String after = Page.decodeCursor(cursor);
        return types.list(issuer, after, size + 1).collectList().map(found -> {
            Map<String, Object> page = new LinkedHashMap<>();
            List<CredentialType> shown = found.size() > size ? found.subList(0, size) : found;
            page.put("data", shown.stream().map(this::view).toList());
            page.put("next_cursor", found.size() > size ? Page.encodeCursor(shown.get(shown.size() - 1).id()) : null);
            return page;
        });
    }

    private Mono<CredentialType> owned(String id, PlatformCaller caller) {
        return types.find(id)
                .switchIfEmpty(Mono.error(ApiProblem.notFound("unknown_type", "No credential type " + id + ".")))
                .flatMap(type -> type.issuerAgencyId().equals(caller.requireAgency()) ? Mono.just(type)
                        : Mono.error(new ApiProblem(403, "not_the_issuer", "Forbidden",
                                "Only the issuing agency of " + id + " can change it.")));
    }

    /** Our fields plus the SD-JWT VC Type Metadata ones ({@code vct}, {@code display}, {@code claims[].path/sd}). */
    Map<String, Object> view(CredentialType type) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", type.id());
        out.put("vct", type.vct(properties.base()));
        out.put("issuer_agency_id", type.issuerAgencyId());
        out.put("issuer", properties.base() + "/v1/certificates/issuers/" + type.issuerAgencyId());
        out.put("status", type.status());
        out.put("version", type.version());
        out.put("name", type.name().get("en"));
        out.put("names", type.name());
        out.put("description", type.description().isEmpty() ? null : type.description().get("en"));
        out.put("validity_days", type.validityDays());
        List<Map<String, Object>> display = new ArrayList<>();
        for (String language : List.of("zh-CN", "en")) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("lang", language);
            d.put("name", type.name().get(language));
            if (!type.description().isEmpty()) {
                d.put("description", type.description().get(language));
            }
            d.put("rendering", Map.of("simple", type.display()));
            display.add(d);
        }
        out.put("display", display);
        List<Map<String, Object>> claims = new ArrayList<>();
        for (ClaimDefinition claim : type.claims()) {
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("path", List.of(claim.name()));
            c.put("name", claim.name());
            c.put("type", claim.type());
            c.put("required", claim.required());
            c.put("disclosable", claim.disclosable());
            c.put("sd", claim.disclosable() ? "always" : "never");
            c.put("display", List.of(Map.of("lang", "zh-CN", "label", claim.displayName("zh-CN")),
                    Map.of("lang", "en", "label", claim.displayName("en"))));
            claims.add(c);
        }
        out.put("claims", claims);
        out.put("created_at", type.createdAt());
        out.put("updated_at", type.updatedAt());
        return out;
    }
}
