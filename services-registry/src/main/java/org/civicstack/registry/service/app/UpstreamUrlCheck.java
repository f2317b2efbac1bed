package org.civicstack.registry.service.app;

import reactor.core.publisher.Mono;

/**
 * Decides whether an agency's upstream base URL is safe to register (the SSRF policy). Blocking DNS lookups
 * happen off the event loop. Throws an {@link org.civicstack.platform.error.ApiProblem} (422) naming
 * {@code fieldName} when it is not.
 */
@FunctionalInterface
public interface UpstreamUrlCheck {

    Mono<Void> check(String fieldName, String url);
}
