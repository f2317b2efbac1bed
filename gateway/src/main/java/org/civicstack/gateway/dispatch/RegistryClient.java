package org.civicstack.gateway.dispatch;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/**
 * The registry's routing endpoints, called with a client-credentials token that is cached until shortly before it
 * expires. The snapshot is streamed line by line (NDJSON), never held whole in memory.
 */
public class RegistryClient {

    /** A snapshot: its version and the entries, in arrival order. */
    public record Snapshot(long version, List<RouteEntry> entries) {
    }

    private final WebClient registry;
    private final WebClient identity;
    private final RegistryClientProperties properties;
    private final JsonMapper json;
    /** Built once, with its deserializer (made eagerly here rather than on the first route read). */
    private final ObjectReader routeReader;
    private volatile CachedToken token;

    private record CachedToken(String value, Instant refreshAfter) {
    }

    public RegistryClient(WebClient registry, WebClient identity, RegistryClientProperties properties, JsonMapper json) {
        if (properties.clientSecret() == null || properties.clientSecret().isBlank()) {
            throw new IllegalStateException("civicstack.gateway.routing.client-secret (env "
                    + "CIVICSTACK_GATEWAY_ROUTING_CLIENT_SECRET) is not set: the gateway needs its OAuth client secret "
                    + "to read the routing table (or set civicstack.gateway.routing.enabled=false)");
        }
        this.registry = registry;
        this.identity = identity;
        this.properties = properties;
        this.json = json;
        this.routeReader = json.readerFor(RouteEntry.class);
    }

    public Mono<Snapshot> snapshot() {
        return accessToken().flatMap(bearer -> registry.get()
                .uri("/v1/registry/routing/snapshot")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + bearer)
                .accept(MediaType.APPLICATION_NDJSON)
                .retrieve()
                .bodyToFlux(String.class)
                .filter(line -> !line.isBlank())
                .reduce(new SnapshotReader(json, routeReader), SnapshotReader::accept)
                .map(SnapshotReader::snapshot));
    }

    /** First line: {@code {"version": N, ...}}; then one entry per line. Used by one subscriber at a time. */
    private static final class SnapshotReader {
        private final JsonMapper json;
        private final ObjectReader routeReader;
        private final List<RouteEntry> entries = new ArrayList<>();
        private long version = -1;

        SnapshotReader(JsonMapper json, ObjectReader routeReader) {
            this.json = json;
            this.routeReader = routeReader;
        }

        SnapshotReader accept(String line) {
            if (version < 0) {
                version = json.readTree(line).path("version").asLong(-1);
                if (version < 0) {
                    throw new IllegalStateException("snapshot header without a version: " + line);
                }
            } else {
                entries.add(routeReader.readValue(line));
            }
            return this;
        }

        Snapshot snapshot() {
            if (version < 0) {
                throw new IllegalStateException("empty snapshot");
            }
            return new Snapshot(version, entries);
        }
    }

    /** Changes after {@code version}, oldest first. */
    public Flux<RouteEntry> changesAfter(long version, int limit) {
        return accessToken().flatMapMany(bearer -> registry.get()
                .uri(b -> b.path("/v1/registry/routing/changes").queryParam("after", version).queryParam("limit", limit).build())
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + bearer)
                .accept(MediaType.APPLICATION_NDJSON)
                .retrieve()
                .bodyToFlux(String.class)
                .map(line -> routeReader.<RouteEntry>readValue(line)));
    }

    Mono<String> accessToken() {
        CachedToken current = token;
        if (current != null && Instant.now().isBefore(current.refreshAfter())) {
            return Mono.just(current.value());
        }
        String basic = Base64.getEncoder().encodeToString((properties.clientId() + ":" + properties.clientSecret())
                .getBytes(StandardCharsets.UTF_8));
        return identity.post()
                .uri(properties.tokenUri())
                .header(HttpHeaders.AUTHORIZATION, "Basic " + basic)
                .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                .body(BodyInserters.fromFormData("grant_type", "client_credentials").with("scope", "registry:routing"))
                .retrieve()
                .bodyToMono(Map.class)
                .map(body -> {
                    String value = String.valueOf(body.get("access_token"));
                    long expiresIn = body.get("expires_in") instanceof Number n ? n.longValue() : 60;
                    token = new CachedToken(value, Instant.now().plus(Duration.ofSeconds(Math.max(5, expiresIn - 30))));
                    return value;
                });
    }

}
