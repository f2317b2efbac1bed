package org.civicstack.registry.bulk;

import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import org.civicstack.registry.common.Caller;
import org.civicstack.registry.common.CallerResolver;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/**
 * Operators ({@code registry:review}) import and export services in bulk as NDJSON (see docs/registry-bulk.md).
 */
@RestController
@RequestMapping("/v1/registry/bulk/services")
public class BulkServiceController {

    private final CallerResolver callers;
    private final NdjsonUploadSpool uploads;
    private final BulkServiceImporter importer;
    private final BulkServiceExporter exporter;

    public BulkServiceController(CallerResolver callers, NdjsonUploadSpool uploads, BulkServiceImporter importer,
            BulkServiceExporter exporter) {
        this.callers = callers;
        this.uploads = uploads;
        this.importer = importer;
        this.exporter = exporter;
    }

    /**
     * One {@link ServiceLine} per line in; one {@link BulkRowResult} per non-blank line out, in order, then a
     * {@link BulkSummary.Line}. An upload over the limits is a 413 problem and nothing is applied.
     */
    @SecurityRequirement(name = "oauth2", scopes = Caller.REVIEW)
    @PostMapping(consumes = MediaType.APPLICATION_NDJSON_VALUE, produces = MediaType.APPLICATION_NDJSON_VALUE)
    public Flux<String> importServices(ServerHttpRequest request) {
        long started = System.nanoTime();
        return callers.require(Caller.REVIEW)
                .flatMapMany(operator -> uploads.withLines(request.getBody(), request.getHeaders().getContentLength(),
                        lines -> importer.importLines(operator, lines, started)));
    }

    /** Every service as one {@link ServiceLine} per line, ordered by code; importable as it is. */
    @SecurityRequirement(name = "oauth2", scopes = Caller.REVIEW)
    @GetMapping(produces = MediaType.APPLICATION_NDJSON_VALUE)
    public Flux<String> exportServices() {
        return callers.require(Caller.REVIEW).flatMapMany(operator -> exporter.exportLines());
    }
}
