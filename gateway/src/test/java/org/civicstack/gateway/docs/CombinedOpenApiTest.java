package org.civicstack.gateway.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

class CombinedOpenApiTest {

    static final JsonMapper JSON = JsonMapper.builder().build();

    @Test
    void combinedDocumentNamesThePublicUrlAndOffersTheUnionOfEveryServiceScopes() {
        JsonNode identity = JSON.readTree("""
                {"openapi":"3.0.1","paths":{"/oauth2/token":{}},"components":{"securitySchemes":{"oauth2":{
                 "type":"oauth2","flows":{"clientCredentials":{"tokenUrl":"https://api.city.example/oauth2/token",
                 "scopes":{"registry:read":"read"}}}}}}}""");
        JsonNode registry = JSON.readTree("""
                {"openapi":"3.0.1","paths":{"/v1/registry/services":{}},"components":{"securitySchemes":{"oauth2":{
                 "type":"oauth2","flows":{"clientCredentials":{"tokenUrl":"https://api.city.example/oauth2/token",
                 "scopes":{"registry:read":"read","registry:review":"review"}}}}},"schemas":{"Problem":{}}}}""");

        ObjectNode merged = CombinedOpenApiConfiguration.merge(List.of(Map.entry("identity", identity),
                Map.entry("services-registry", registry), Map.entry("payments", JSON.nullNode())),
                "https://api.city.example", JSON);

        assertThat(merged.path("openapi").asString()).isEqualTo("3.0.1");
        assertThat(merged.at("/servers/0/url").asString()).isEqualTo("https://api.city.example");
        assertThat(merged.path("paths").propertyNames()).containsExactly("/oauth2/token", "/v1/registry/services");
        assertThat(merged.at("/components/securitySchemes/oauth2/flows/clientCredentials/scopes").propertyNames())
                .containsExactlyInAnyOrder("registry:read", "registry:review");
        assertThat(merged.at("/components/schemas").has("Problem")).isTrue();
        assertThat(merged.path("x-unavailable-services").valueStream().map(JsonNode::asString)).containsExactly("payments");
    }
}
