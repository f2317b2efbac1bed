package org.civicstack.certificates.sharing;

import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.civicstack.certificates.common.Scopes;
import org.civicstack.platform.security.PlatformCaller;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/** Agencies ask citizens for data (certificates:verify) and collect the approved presentations. */
@RestController
@RequestMapping("/v1/certificates/presentation-requests")
@Tag(name = "presentation-requests", description = "Consent-based sharing: agencies' requests (DCQL) and their answers")
public class AgencySharingController {

    private final Sharing sharing;

    public AgencySharingController(Sharing sharing) {
        this.sharing = sharing;
    }

    @PostMapping
    @Operation(operationId = "createPresentationRequest", summary = "Ask a citizen (by pairwise subject, or anyone who opens it) for claims of credentials")
    public Mono<ResponseEntity<Map<String, Object>>> create(@RequestBody JsonNode body) {
        return PlatformCaller.agency(Scopes.VERIFY).flatMap(caller -> sharing.create(caller, body))
                .map(request -> ResponseEntity.status(HttpStatus.CREATED)
                        .header("Location", "/v1/certificates/presentation-requests/" + request.id())
                        .body(sharing.agencyView(request)));
    }

    @GetMapping("/{id}")
    @Operation(operationId = "getPresentationRequest", summary = "The request's state; vp_token (one SD-JWT presentation per query) once approved")
    public Mono<Map<String, Object>> get(@PathVariable String id) {
        return PlatformCaller.agency(Scopes.VERIFY).flatMap(caller -> sharing.agencyView(caller, id));
    }
}
