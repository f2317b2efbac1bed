package org.civicstack.platform.net;

import reactor.core.publisher.Mono;

/**
 * Decides whether an agency's upstream base URL is safe to register (the SSRF policy) and gives its canonical form,
 * which is what the registry stores, shows and publishes to the gateway. Blocking DNS lookups happen off the event
 * loop. A refusal is an {@link org.civicstack.platform.net.UnsafeUpstreamException}.
 */
@FunctionalInterface
public interface UpstreamUrlCheck {

    Mono<UpstreamUrl> check(String url);
}
