package org.civicstack.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.testkit.OpenApiConformance.call;
import static org.civicstack.registry.ServiceDefinitions.aServiceDefinition;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.civicstack.testkit.OpenApiConformance;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The registry's published OpenAPI document describes what it really puts on the wire: representative calls of
 * every kind of API (agencies, services and their lifecycle, the catalog, errors) are validated, request and
 * response, against the document the service serves. Runs in the registry's cached test context.
 */
class RegistryOpenApiConformanceIT extends RegistryTestSupport {

    static final JsonMapper JSON = JsonMapper.builder().build();

    OpenApiConformance api;
    JsonNode document;

    @BeforeEach
    void readDocument() {
        api = OpenApiConformance.ofServiceAt(port);
        document = JSON.readTree(api.document);
    }

    @Nested
    class Responses {

        @Test
        void agencyRegisterGetAndListMatchTheDocument() {
            String body = JSON.writeValueAsString(Map.of("name_zh_cn", "深圳市交通运输局", "name_en", "Transport Bureau",
                    "unit_type", "municipal_unit", "contact_name", "李工", "contact_email", "it@jtys.sz.gov.cn",
                    "contact_phone", "+86 755 1234 5678", "oauth_client_id", "sz-transport-openapi"));
            HttpResponse<String> created = api.conforming(call("POST", "/v1/registry/agencies").bearer(operator).json(body));
            assertThat(created.statusCode()).isEqualTo(201);
            String id = JSON.readTree(created.body()).path("id").asString();

            assertThat(api.conforming(call("GET", "/v1/registry/agencies/" + id).bearer(operator)).statusCode())
                    .isEqualTo(200);
            assertThat(api.conforming(call("GET", "/v1/registry/agencies").query("limit", "1").bearer(operator))
                    .statusCode()).isEqualTo(200);
        }

        @Test
        void serviceCreateGetListAndLifecycleMatchTheDocument() {
            String create = JSON.writeValueAsString(Map.of("code", "sz-openapi-clinic", "definition",
                    aServiceDefinition().build()));
            HttpResponse<String> created = api.conforming(call("POST", "/v1/registry/services").bearer(agencyToken).json(create));
            assertThat(created.statusCode()).isEqualTo(201);
            String id = JSON.readTree(created.body()).path("id").asString();

            api.conforming(call("GET", "/v1/registry/services/" + id).bearer(agencyToken));
            api.conforming(call("GET", "/v1/registry/services").bearer(operator));
            api.conforming(call("PUT", "/v1/registry/services/" + id + "/definition").bearer(agencyToken)
                    .json(JSON.writeValueAsString(aServiceDefinition().named("诊所预约", "Clinic booking").build())));
            List<Integer> statuses = new ArrayList<>();
            statuses.add(api.conforming(call("POST", "/v1/registry/services/" + id + "/submit").bearer(agencyToken)).statusCode());
            statuses.add(api.conforming(call("POST", "/v1/registry/services/" + id + "/approve").bearer(operator)).statusCode());
            statuses.add(api.conforming(call("POST", "/v1/registry/services/" + id + "/suspend").bearer(operator)
                    .json("{\"reason\":\"maintenance\"}")).statusCode());
            statuses.add(api.conforming(call("POST", "/v1/registry/services/" + id + "/resume").bearer(operator)).statusCode());
            HttpResponse<String> live = api.conforming(call("GET", "/v1/registry/services/" + id).bearer(operator));

            assertThat(statuses).containsOnly(200);
            assertThat(JSON.readTree(live.body()).path("status").asString()).isEqualTo("published");
        }

        @Test
        void catalogListAndGetMatchTheDocumentWithoutAToken() {
            publishService("sz-openapi-catalog", aServiceDefinition().build());

            api.conforming(call("GET", "/v1/catalog/services").query("q", "挂号").query("category", "medical_health")
                    .query("district", "futian").query("limit", "20"));
            HttpResponse<String> one = api.conforming(call("GET", "/v1/catalog/services/sz-openapi-catalog")
                    .header("Accept-Language", "en"));
            assertThat(JSON.readTree(one.body()).path("access_level").asString()).isEqualTo("citizen");
        }
    }

    @Nested
    class Errors {

        @Test
        void validationProblemListingEveryFieldMatchesTheDocument() {
            HttpResponse<String> response = api.answeredAsDocumented(call("POST", "/v1/registry/agencies").bearer(operator)
                    .json("{\"name_zh_cn\":\"\"}"));

            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
            assertThat(JSON.readTree(response.body()).path("errors").size()).isGreaterThan(1);
        }

        @Test
        void unknownFieldIsAMalformedRequestProblemAsDocumented() {
            HttpResponse<String> response = api.answeredAsDocumented(call("POST", "/v1/registry/services").bearer(agencyToken)
                    .json("{\"code\":\"sz-x\",\"definition\":{},\"colour\":\"red\"}"));

            assertThat(response.statusCode()).isEqualTo(400);
        }

        @Test
        void missingTokenIsAnUnauthorizedProblemAsDocumented() {
            HttpResponse<String> response = api.answeredAsDocumented(call("GET", "/v1/registry/services"));

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        }

        @Test
        void tokenWithoutTheDocumentedScopeIsAForbiddenProblemAsDocumented() {
            assertThat(documentedScopes("/v1/registry/agencies", "post")).containsExactly("registry:review");

            HttpResponse<String> response = api.answeredAsDocumented(call("POST", "/v1/registry/agencies")
                    .bearer(tokens.agency("some-agency", "agy_none", "registry:read", "registry:write"))
                    .json("{\"name_zh_cn\":\"深圳市卫生健康委员会\",\"name_en\":\"Shenzhen Health Commission\","
                            + "\"unit_type\":\"municipal_unit\",\"contact_name\":\"王工\","
                            + "\"contact_email\":\"it@wjw.sz.gov.cn\",\"oauth_client_id\":\"some-agency\"}"));

            assertThat(response.statusCode()).isEqualTo(403);
        }

        @Test
        void unknownServiceIsANotFoundProblemAsDocumented() {
            assertThat(api.answeredAsDocumented(call("GET", "/v1/catalog/services/sz-no-such-service")).statusCode())
                    .isEqualTo(404);
            assertThat(api.answeredAsDocumented(call("GET", "/v1/registry/services/svc_nosuchservice0000000")
                    .bearer(operator)).statusCode()).isEqualTo(404);
        }
    }

    @Nested
    class Document {

        @Test
        void theValidatorRefusesJavaNamesUpperCaseEnumsAndUnlistedProblemMembers() {
            assertThat(api.errorsFor("GET", "/v1/registry/agencies/agy_x", 200, "application/json", """
                    {"id":"agy_x","nameZhCn":"x","name_en":"x","unit_type":"district","contact_name":"x",
                     "contact_email":"a@b.cn","oauth_client_id":"abc"}""")).isNotEmpty();
            assertThat(api.errorsFor("GET", "/v1/registry/agencies/agy_x", 200, "application/json", """
                    {"id":"agy_x","name_zh_cn":"x","name_en":"x","unit_type":"DISTRICT","contact_name":"x",
                     "contact_email":"a@b.cn","oauth_client_id":"abc"}""")).isNotEmpty();
            assertThat(api.errorsFor("GET", "/v1/registry/agencies/agy_x", 404, "application/problem+json", """
                    {"type":"urn:civicstack:problem:not_found","title":"Not found","status":404,"code":"not_found",
                     "stack":"at Foo.bar"}""")).isNotEmpty();
            assertThat(api.errorsFor("GET", "/v1/registry/agencies/agy_x", 200, "application/json", """
                    {"id":"agy_x","name_zh_cn":"x","name_en":"x","unit_type":"district","contact_name":"x",
                     "contact_email":"a@b.cn","oauth_client_id":"abc"}""")).as("a body that matches").isEmpty();
        }

        @Test
        void namesTheGatewayAsItsServer() {
            assertThat(document.path("servers").size()).isEqualTo(1);
            assertThat(document.path("servers").path(0).path("url").asString()).isEqualTo("http://localhost:8080");
        }

        @Test
        void schemasUseWireNamesAndLowerCaseEnums() {
            JsonNode agency = document.at("/components/schemas/Agency/properties");
            assertThat(agency.has("name_zh_cn")).isTrue();
            assertThat(agency.has("nameZhCn")).isFalse();
            assertThat(agency.at("/unit_type/enum").valueStream().map(JsonNode::asString))
                    .containsExactly("direct_unit", "municipal_unit", "district", "state_owned_enterprise");
        }

        @Test
        void oauth2ClientCredentialsAtThePublicTokenUrlWithTheRegistryScopes() {
            JsonNode oauth2 = document.at("/components/securitySchemes/oauth2");
            assertThat(oauth2.path("type").asString()).isEqualTo("oauth2");
            JsonNode flow = oauth2.at("/flows/clientCredentials");
            assertThat(flow.path("tokenUrl").asString()).isEqualTo("http://localhost:8080/oauth2/token");
            assertThat(flow.path("scopes").propertyNames())
                    .containsExactlyInAnyOrder("registry:read", "registry:write", "registry:review", "registry:routing");
            assertThat(document.at("/components/securitySchemes/bearer/scheme").asString()).isEqualTo("bearer");
        }

        @Test
        void catalogNeedsNoTokenAndRegistryOperationsNameTheirScopes() {
            assertThat(document.at("/paths/~1v1~1catalog~1services/get").has("security")).isFalse();
            assertThat(document.at("/paths/~1v1~1catalog~1services~1{code}/get").has("security")).isFalse();
            assertThat(documentedScopes("/v1/registry/services/{id}/approve", "post")).containsExactly("registry:review");
            assertThat(documentedScopes("/v1/registry/services", "post")).containsExactly("registry:write");
            assertThat(documentedScopes("/v1/registry/services/{id}", "get"))
                    .containsExactlyInAnyOrder("registry:read", "registry:write", "registry:review");
        }
    }

    /** The oauth2 scopes an operation's {@code security} accepts (any one of them). */
    List<String> documentedScopes(String path, String method) {
        List<String> scopes = new ArrayList<>();
        document.path("paths").path(path).path(method).path("security")
                .forEach(requirement -> requirement.path("oauth2").forEach(scope -> scopes.add(scope.asString())));
        return scopes;
    }
}
