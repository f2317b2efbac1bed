package org.civicstack.registry.agency;

import java.util.List;

import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.FieldViolation;
import org.civicstack.registry.audit.AuditLog;
import org.civicstack.registry.common.Caller;
import org.civicstack.registry.common.CallerResolver;
import org.civicstack.platform.api.Ids;
import org.civicstack.platform.api.LenientJson;
import org.civicstack.platform.api.Page;
import org.civicstack.platform.api.Violations;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Operators register agencies (onboarding) and list them all ({@code registry:review}); an agency client reads its
 * own record with {@code registry:read}, by id or as the one entry of the list (how it learns its agency id).
 */
@RestController
@RequestMapping("/v1/registry/agencies")
public class AgencyController {

    private final AgencyStore agencies;
    private final AuditLog audit;
    private final CallerResolver callers;
    private final TransactionalOperator tx;
    private final JsonMapper json;
    private final LenientJson lenient;
    private final Validator validator;

    public AgencyController(AgencyStore agencies, AuditLog audit, CallerResolver callers, TransactionalOperator tx,
            JsonMapper json, LenientJson lenient, Validator validator) {
        this.agencies = agencies;
        this.audit = audit;
        this.callers = callers;
        this.tx = tx;
        this.json = json;
        this.lenient = lenient;
        this.validator = validator;
    }

    @SecurityRequirement(name = "oauth2", scopes = Caller.REVIEW)
    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    public Mono<Agency> register(@io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
            content = @Content(schema = @Schema(implementation = Agency.class))) @RequestBody JsonNode body) {
        return callers.require(Caller.REVIEW).flatMap(caller -> {
            // every field error at once: shape errors and Bean Validation in one problem
            LenientJson.Read<Agency> request = lenient.read(body, Agency.class);
            List<FieldViolation> violations = request.merge(Violations.of(validator.validate(request.value()), ""));
            if (!violations.isEmpty()) {
                violations.sort(Violations.ORDER);
                return Mono.error(ApiProblem.validation(violations));
            }
            Agency agency = request.value().id() != null ? request.value() : request.value().withId(Ids.newId("agy"));
            return agencies.insert(agency)
                    .then(audit.record(caller.subject(), "agency.register", "agency", agency.id(), null,
                            json.writeValueAsString(agency), null))
                    .as(tx::transactional)
                    .onErrorMap(DuplicateKeyException.class, e -> String.valueOf(e.getMessage()).contains("agency_pkey")
                            ? ApiProblem.conflict("agency_id_taken", "Agency id '" + agency.id() + "' is taken.")
                            : ApiProblem.conflict("oauth_client_taken",
                                    "OAuth client '" + agency.oauthClientId() + "' already belongs to an agency."))
                    .thenReturn(agency);
        });
    }

    @SecurityRequirement(name = "oauth2", scopes = {Caller.READ, Caller.REVIEW})
    @GetMapping("/{id}")
    public Mono<Agency> get(@PathVariable String id) {
        return callers.require(Caller.READ, Caller.REVIEW)
                .flatMap(caller -> agencies.find(id)
                        .filter(a -> caller.isOperator() || caller.agencyId().filter(id::equals).isPresent()))
                .switchIfEmpty(Mono.error(ApiProblem.notFound("agency_not_found", "No such agency.")));
    }

    @SecurityRequirement(name = "oauth2", scopes = {Caller.READ, Caller.REVIEW})
    @GetMapping
    public Mono<Page<Agency>> list(@RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        int size = Page.limit(limit);
        String after = Page.decodeCursor(cursor);
        return callers.require(Caller.READ, Caller.REVIEW)
                .flatMap(caller -> caller.isOperator()
                        ? agencies.list(after, size + 1).collectList()
                        : agencies.find(caller.requireAgency()).filter(own -> own.id().compareTo(after) > 0)
                                .map(List::of).defaultIfEmpty(List.of()))
                .map(rows -> rows.size() > size
                        ? new Page<>(rows.subList(0, size), Page.encodeCursor(rows.get(size - 1).id()))
                        : new Page<>(rows, null));
    }
}
