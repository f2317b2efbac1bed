package org.civicstack.certificates.issuance;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.civicstack.certificates.common.Scopes;
import org.civicstack.platform.api.Page;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.security.PlatformCaller;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/** Issuing agencies issue, re-issue, suspend, reinstate and revoke credentials of their types ({@code certificates:issue}). */
@RestController
@RequestMapping("/v1/certificates/credentials")
@Tag(name = "issuance", description = "Issuing credentials and changing their status (issuing agencies)")
public class IssuanceController {

    private final Issuance issuance;
    private final BatchIssuance batch;
    private final CredentialStore credentials;

    public IssuanceController(Issuance issuance, BatchIssuance batch, CredentialStore credentials) {
        this.issuance = issuance;
        this.batch = batch;
        this.credentials = credentials;
    }

    @PostMapping
    @Operation(operationId = "issueCredential", summary = "Issue a credential to a citizen named by pairwise subject or resident ID number (Idempotency-Key)")
    public Mono<ResponseEntity<String>> issue(@RequestHeader(name = "Idempotency-Key", required = false) String key,
            @RequestBody JsonNode body) {
        return PlatformCaller.agency(Scopes.ISSUE).flatMap(caller -> issuance.issue(caller, key, body));
    }

    @PostMapping("/batch")
    @Operation(operationId = "issueCredentials", summary = "Issue up to " + BatchIssuance.MAX_ITEMS
            + " credentials in one call, all or nothing (Idempotency-Key)", description = "The body is"
            + " `{\"credentials\": [ … ]}`, each item what `POST /v1/certificates/credentials` takes. A malformed item"
            + " refuses the batch with 400 (`credentials[i].…` fields); an item that cannot be issued (unknown or foreign"
            + " type, unknown citizen, the same citizen and type twice) with 422 `credentials_refused`; either way nothing"
            + " is issued. 201 answers `{\"data\": [ … ]}`: the credentials in item order.")
    public Mono<ResponseEntity<String>> issueBatch(
            @RequestHeader(name = "Idempotency-Key", required = false) String key, @RequestBody JsonNode body) {
        return PlatformCaller.agency(Scopes.ISSUE).flatMap(caller -> batch.issue(caller, key, body));
    }

    @PostMapping("/{id}/reissue")
    @Operation(operationId = "reissueCredential", summary = "Re-issue with new claims or validity; the old credential is superseded (Idempotency-Key)")
    public Mono<ResponseEntity<String>> reissue(@PathVariable String id,
            @RequestHeader(name = "Idempotency-Key", required = false) String key, @RequestBody JsonNode body) {
        return PlatformCaller.agency(Scopes.ISSUE).flatMap(caller -> issuance.reissue(caller, id, key, body));
    }

    @PostMapping("/{id}/{action:suspend|reinstate|revoke}")
    @Operation(operationId = "changeCredentialStatus", summary = "Suspend, reinstate or revoke: the status list changes in the same transaction")
    public Mono<Map<String, Object>> changeStatus(@PathVariable String id, @PathVariable String action,
            @RequestBody(required = false) JsonNode body) {
        return PlatformCaller.agency(Scopes.ISSUE).flatMap(caller -> issuance.changeStatus(caller, id, action, body));
    }

    @GetMapping("/{id}")
    @Operation(operationId = "getIssuedCredential", summary = "One credential this agency issued (status and dates; never claim values)")
    public Mono<Map<String, Object>> get(@PathVariable String id) {
        return PlatformCaller.agency(Scopes.ISSUE)
                .flatMap(caller -> issuance.ownedCredential(id, caller.requireAgency())).map(issuance::view);
    }

    @GetMapping
    @Operation(operationId = "listIssuedCredentials", summary = "Credentials this agency issued, newest first")
    public Mono<Map<String, Object>> list(@RequestParam(required = false) String type,
            @RequestParam(required = false) String status, @RequestParam(required = false) Integer limit,
            @RequestParam(required = false) String cursor) {
        if (status != null && !List.of("valid", "suspended", "revoked", "superseded").contains(status)) {
            return Mono.error(ApiProblem.badRequest("invalid_status", "status is one of valid, suspended, revoked, superseded."));
        }
        int size = Page.limit(limit);
        String after = Page.decodeCursor(cursor);
        Instant beforeIssued;
        String beforeId;
        if (after.isEmpty()) {
            beforeIssued = null;
            beforeId = null;
        } else {
            int bar = after.indexOf('|');
            try {
                beforeIssued = Instant.parse(after.substring(0, Math.max(bar, 0)));
            } catch (RuntimeException e) {
                return Mono.error(ApiProblem.badRequest("invalid_cursor", "The cursor is not one this API returned."));
            }
            beforeId = after.substring(bar + 1);
        }
        return PlatformCaller.agency(Scopes.ISSUE).flatMap(caller -> credentials
                .ofIssuer(caller.requireAgency(), type, status, beforeIssued, beforeId, size + 1).collectList()
                .map(found -> {
                    var shown = found.size() > size ? found.subList(0, size) : found;
                    Map<String, Object> page = new LinkedHashMap<>();
                    page.put("data", shown.stream().map(issuance::view).toList());
                    var last = shown.isEmpty() ? null : shown.get(shown.size() - 1);
                    page.put("next_cursor", found.size() > size ? Page.encodeCursor(last.issuedAt() + "|" + last.id()) : null);
                    return page;
                }));
    }
}
