package org.civicstack.gateway.docs;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.civicstack.gateway.routing.GatewayProperties;
import org.civicstack.platform.config.PublicApiProperties;
import org.civicstack.gateway.routing.PlatformService;
import org.civicstack.gateway.routing.UpstreamClients;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /openapi}: one OpenAPI document for the whole public API, merged from every platform service's own
 * document (each also served alone at {@code /openapi/{service}}), with the gateway's public URL
 * ({@code civicstack.public-url}) as its server. A service that does not answer is listed under
 * {@code x-unavailable-services} instead of failing the whole document.
 */
@Configuration(proxyBeanMethods = false)
public class CombinedOpenApiConfiguration {

    private static final Logger log = LoggerFactory.getLogger(CombinedOpenApiConfiguration.class);

    @Bean
    RouterFunction<ServerResponse> combinedOpenApi(GatewayProperties properties, PublicApiProperties publicApi,
            JsonMapper json) {
        List<ServiceDocs> sources = new ArrayList<>();
        for (PlatformService service : PlatformService.values()) {
            GatewayProperties.Upstream upstream = properties.upstream(service);
            sources.add(new ServiceDocs(service.id(), UpstreamClients.create(upstream), upstream));
        }
        return RouterFunctions.route()
                .GET("/openapi", request -> combined(publicApi.base(), sources, json))
                .build();
    }

    private Mono<ServerResponse> combined(String serverUrl, List<ServiceDocs> sources, JsonMapper json) {
        return Flux.fromIterable(sources)
                .flatMapSequential(source -> fetch(source, json))
                .collectList()
                .map(docs -> merge(docs, serverUrl, json))
                .flatMap(doc -> ServerResponse.ok().contentType(MediaType.APPLICATION_JSON).bodyValue(doc.toString()));
    }

    private Mono<Map.Entry<String, JsonNode>> fetch(ServiceDocs source, JsonMapper json) {
        return source.client().get()
                .uri("/v3/api-docs")
                .retrieve()
                .bodyToMono(String.class)
                .timeout(UpstreamClients.overall(source.upstream()))
                .map(body -> Map.entry(source.id(), json.readTree(body)))
                .onErrorResume(e -> {
                    log.warn("OpenAPI document of {} unavailable: {}", source.id(), e.toString());
                    return Mono.just(Map.entry(source.id(), json.nullNode()));
                });
    }

    static ObjectNode merge(List<Map.Entry<String, JsonNode>> docs, String serverUrl, JsonMapper json) {
        ObjectNode merged = json.createObjectNode();
        // the services publish OpenAPI 3.0 (platform defaults, springdoc.api-docs.version)
        merged.put("openapi", "3.0.1");
        ObjectNode info = merged.putObject("info");
        info.put("title", "CivicStack API");
        info.put("description", "The public API of every CivicStack platform service, as seen through the gateway.");
        info.put("version", "v1");
        merged.putArray("servers").addObject().put("url", serverUrl)
                .put("description", "the gateway, the platform's only door");
        ObjectNode paths = merged.putObject("paths");
        ObjectNode components = merged.putObject("components");
        ArrayNode tags = merged.putArray("tags");
        ArrayNode unavailable = json.createArrayNode();
        for (Map.Entry<String, JsonNode> entry : docs) {
            JsonNode doc = entry.getValue();
            if (doc == null || !doc.isObject()) {
                unavailable.add(entry.getKey());
                continue;
            }
            copyAbsent(doc.path("paths"), paths);
            for (Map.Entry<String, JsonNode> section : doc.path("components").properties()) {
                ObjectNode target = components.has(section.getKey())
                        ? (ObjectNode) components.get(section.getKey()) : components.putObject(section.getKey());
                copyAbsent(section.getValue(), target);
            }
            mergeOAuthScopes(doc.path("components").path("securitySchemes"), components);
            doc.path("tags").forEach(tags::add);
        }
        if (!unavailable.isEmpty()) {
            merged.set("x-unavailable-services", unavailable);
        }
        return merged;
    }

    /**
     * Every service describes the same {@code oauth2} scheme with the scopes its own API checks (identity: all of
     * them); the combined document offers the union.
     */
    private static void mergeOAuthScopes(JsonNode schemes, ObjectNode components) {
        for (Map.Entry<String, JsonNode> scheme : schemes.properties()) {
            for (Map.Entry<String, JsonNode> flow : scheme.getValue().path("flows").properties()) {
                JsonNode target = components.path("securitySchemes").path(scheme.getKey()).path("flows")
                        .path(flow.getKey()).path("scopes");
                if (target instanceof ObjectNode scopes) {
                    copyAbsent(flow.getValue().path("scopes"), scopes);
                }
            }
        }
    }

    /** Paths and component names are unique per service by convention; the first definition wins if not. */
    private static void copyAbsent(JsonNode from, ObjectNode into) {
        for (Map.Entry<String, JsonNode> field : from.properties()) {
            if (!into.has(field.getKey())) {
                into.set(field.getKey(), field.getValue());
            }
        }
    }

    private record ServiceDocs(String id, WebClient client, GatewayProperties.Upstream upstream) {
    }
}
