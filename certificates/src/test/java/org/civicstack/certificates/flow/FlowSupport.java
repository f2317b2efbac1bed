package org.civicstack.certificates.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.civicstack.certificates.CertificatesTestSupport;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Calls of the certificates API the flow tests share. */
abstract class FlowSupport extends CertificatesTestSupport {

    @SuppressWarnings("unchecked")
    Map<String, Object> json(WebTestClient.ResponseSpec spec) {
        return spec.expectBody(Map.class).returnResult().getResponseBody();
    }

    /** {@code field} of each map in {@code list}. */
    @SuppressWarnings("unchecked")
    static List<Object> pluck(Object list, String field) {
        return ((List<Map<String, Object>>) list).stream().map(m -> m.get(field)).toList();
    }

    WebTestClient.ResponseSpec post(String token, String path, Object body) {
        var request = client.post().uri(path).contentType(MediaType.APPLICATION_JSON);
        if (token != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, "Bearer " + token);
        }
        return body == null ? request.exchange() : request.bodyValue(body).exchange();
    }

    WebTestClient.ResponseSpec postIdempotent(String token, String path, String key, Object body) {
        return client.post().uri(path).contentType(MediaType.APPLICATION_JSON)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + token).header("Idempotency-Key", key)
                .bodyValue(body).exchange();
    }

    WebTestClient.ResponseSpec get(String token, String path) {
        var request = client.get().uri(path);
        if (token != null) {
            request = request.header(HttpHeaders.AUTHORIZATION, "Bearer " + token);
        }
        return request.exchange();
    }

    /** A volunteer-card-like type of the agency's own: two disclosable claims, one always visible. */
    String registerType(Agency agency) {
        String id = "test_card_" + UUID.randomUUID().toString().substring(0, 8);
        post(agency.token(), "/v1/certificates/types", Map.of(
                "id", id,
                "name", Map.of("zh-CN", "测试证", "en", "Test card"),
                "validity_days", 365,
                "claims", List.of(
                        Map.of("name", "full_name", "type", "string", "display", Map.of("zh-CN", "姓名", "en", "Name")),
                        Map.of("name", "birth_date", "type", "date", "display", Map.of("zh-CN", "出生日期", "en", "Date of birth")),
                        Map.of("name", "hours", "type", "number", "required", false,
                                "display", Map.of("zh-CN", "时长", "en", "Hours")),
                        Map.of("name", "level", "type", "integer", "disclosable", false,
                                "display", Map.of("zh-CN", "星级", "en", "Level")))))
                .expectStatus().isCreated();
        return id;
    }

    Map<String, Object> claims(String name) {
        return Map.of("full_name", name, "birth_date", "1990-03-07", "hours", 12.5, "level", 3);
    }

    /** Issues and returns the credential id. */
    String issue(Agency agency, String type, Citizen citizen, Map<String, Object> claims) {
        Map<String, Object> issued = json(postIdempotent(agency.token(), "/v1/certificates/credentials",
                UUID.randomUUID().toString(), Map.of("type", type, "subject", citizen.subject(), "claims", claims))
                .expectStatus().isCreated());
        return (String) issued.get("id");
    }

    /** A request for {@code claimNames} of {@code type}, addressed to {@code citizen}; returns the agency's view. */
    Map<String, Object> request(Agency agency, String type, Citizen citizen, List<String> claimNames) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of(
                "purpose", Map.of("zh-CN", "办理业务", "en", "To handle your application"),
                "dcql_query", Map.of("credentials", List.of(Map.of("id", "card", "format", "dc+sd-jwt",
                        "meta", Map.of("vct_values", List.of(BASE + "/v1/certificates/types/" + type)),
                        "claims", claimNames.stream().map(c -> Map.of("path", List.of(c))).toList())))));
        if (citizen != null) {
            body.put("subject", citizen.subject());
        }
        return json(post(agency.token(), "/v1/certificates/presentation-requests", body).expectStatus().isCreated());
    }

    Map<String, Object> approve(Citizen citizen, String requestId, String credentialId) {
        return json(post(citizen.token(), "/v1/certificates/me/presentation-requests/" + requestId + "/approve",
                Map.of("credentials", Map.of("card", credentialId))).expectStatus().isOk());
    }

    @SuppressWarnings("unchecked")
    String presentation(Agency agency, String requestId) {
        Map<String, Object> view = json(get(agency.token(), "/v1/certificates/presentation-requests/" + requestId)
                .expectStatus().isOk());
        assertThat(view.get("status")).isEqualTo("approved");
        return ((Map<String, String>) view.get("vp_token")).get("card");
    }

    WebTestClient.ResponseSpec verify(Agency agency, String presentation, String nonce) {
        return post(agency.token(), "/v1/certificates/verifications", Map.of("presentation", presentation, "nonce", nonce));
    }

    /** The problem code of a refused verification. */
    String refusal(WebTestClient.ResponseSpec spec) {
        Map<String, Object> problem = json(spec.expectStatus().isEqualTo(422));
        return (String) problem.get("code");
    }
}
