package org.civicstack.registry.routing;

import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.registry.common.Caller;
import org.civicstack.registry.common.CallerResolver;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;

/** For gateway instances ({@code registry:routing}): the routing table snapshot and the change feed catch-up. */
@RestController
@RequestMapping("/v1/registry/routing")
public class RoutingController {

    static final int MAX_CHANGES = 5_000;

    private final RoutingFeed feed;
    private final CallerResolver callers;

    public RoutingController(RoutingFeed feed, CallerResolver callers) {
        this.feed = feed;
        this.callers = callers;
    }

    /** NDJSON: {@code {"version":N,"routes":count}} then one route per line, all at version N. */
    @SecurityRequirement(name = "oauth2", scopes = Caller.ROUTING)
    @GetMapping(value = "/snapshot", produces = MediaType.APPLICATION_NDJSON_VALUE)
    public Flux<String> snapshot() {
        return callers.require(Caller.ROUTING).flatMapMany(c -> feed.snapshot());
    }

    /** NDJSON: routes changed after version {@code after}, oldest first, at most {@code limit}. */
    @SecurityRequirement(name = "oauth2", scopes = Caller.ROUTING)
    @GetMapping(value = "/changes", produces = MediaType.APPLICATION_NDJSON_VALUE)
    public Flux<String> changes(@RequestParam long after, @RequestParam(defaultValue = "1000") int limit) {
        if (after < 0 || limit < 1 || limit > MAX_CHANGES) {
            return Flux.error(ApiProblem.badRequest("invalid_range",
                    "after must be >= 0 and limit between 1 and " + MAX_CHANGES + "."));
        }
        return callers.require(Caller.ROUTING).flatMapMany(c -> feed.changesAfter(after, limit).map(l -> l + "\n"));
    }
}
