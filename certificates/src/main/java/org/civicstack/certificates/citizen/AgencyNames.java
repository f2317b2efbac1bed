package org.civicstack.certificates.citizen;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.civicstack.certificates.CertificatesProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;

/**
 * An agency's names, from the registry's public {@code GET /v1/catalog/agencies/{id}} — the one source of truth for
 * who an agency is, so a consent screen says who asks by the name the platform registered, never one the agency
 * chose for itself. Cached for 10 minutes; when the registry cannot answer the screen shows the agency id.
 */
@Component
public class AgencyNames {

    private static final Logger log = LoggerFactory.getLogger(AgencyNames.class);
    private static final Duration FRESH = Duration.ofMinutes(10);

    private final WebClient registry;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    public AgencyNames(WebClient.Builder builder, CertificatesProperties properties, Clock clock) {
        this.registry = builder.clone().baseUrl(properties.registryBaseUrl().toString()).build();
        this.clock = clock;
    }

    private record Cached(Map<String, String> names, Instant at) {
    }

    /** {@code {"zh-CN": …, "en": …}}, or empty when the registry does not know the agency or cannot be reached. */
    public Mono<Map<String, String>> of(String agencyId) {
        Cached cached = cache.get(agencyId);
        if (cached != null && cached.at().plus(FRESH).isAfter(clock.instant())) {
            return Mono.just(cached.names());
        }
        return registry.get().uri("/v1/catalog/agencies/{id}", agencyId)
                .retrieve()
                .bodyToMono(Map.class)
                .timeout(Duration.ofSeconds(2))
                .map(body -> Map.of("zh-CN", String.valueOf(body.get("name_zh_cn")), "en", String.valueOf(body.get("name_en"))))
                .doOnNext(names -> cache.put(agencyId, new Cached(names, clock.instant())))
                .onErrorResume(e -> {
                    log.debug("No name for agency {} from the registry: {}", agencyId, e.toString());
                    return Mono.empty();
                });
    }
}
