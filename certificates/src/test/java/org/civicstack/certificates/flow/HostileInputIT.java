package org.civicstack.certificates.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/**
 * Whatever a client sends to any writing endpoint — malformed JSON, the wrong JSON shape, NUL and control characters,
 * numbers out of every range, deep nesting, oversized bodies, wrong content types — it gets a 4xx problem+json with a
 * code, never a 5xx, and nothing is written.
 */
class HostileInputIT extends FlowSupport {

    @Test
    void everyWritingEndpointAnswersHostileBodiesWithAProblemAndWritesNothing() {
        Agency agency = anAgency();
        String type = registerType(agency);
        Citizen citizen = aCitizen(agency.id());
        String credential = issue(agency, type, citizen, claims("韩七"));
        String request = (String) request(agency, type, citizen, List.of("full_name")).get("id");

        record Target(HttpMethod method, String path, String token) {
        }
        List<Target> targets = List.of(
                new Target(HttpMethod.POST, "/v1/certificates/types", agency.token()),
                new Target(HttpMethod.PUT, "/v1/certificates/types/" + type, agency.token()),
                new Target(HttpMethod.POST, "/v1/certificates/credentials", agency.token()),
                new Target(HttpMethod.POST, "/v1/certificates/credentials/" + credential + "/reissue", agency.token()),
                new Target(HttpMethod.POST, "/v1/certificates/credentials/" + credential + "/suspend", agency.token()),
                new Target(HttpMethod.POST, "/v1/certificates/presentation-requests", agency.token()),
                new Target(HttpMethod.POST, "/v1/certificates/verifications", agency.token()),
                new Target(HttpMethod.POST, "/v1/certificates/qr-verifications", agency.token()),
                new Target(HttpMethod.POST, "/v1/certificates/me/credentials/" + credential + "/presentations", citizen.token()),
                new Target(HttpMethod.POST, "/v1/certificates/me/credentials/" + credential + "/qr", citizen.token()),
                new Target(HttpMethod.POST, "/v1/certificates/me/presentation-requests/" + request + "/approve", citizen.token()));

        String nul = "\\u0000";
        List<String> bodies = new ArrayList<>(List.of(
                "{", "[]", "\"x\"", "42", "true", "{\"a\":", "{\"a\":1,}", "{'a': 1}",
                "{\"type\": \"" + nul + "\", \"subject\": \"" + nul + "\", \"claims\": {\"full_name\": \"a" + nul + "b\"}}",
                "{\"type\": \"" + type + "\", \"subject\": \"" + citizen.subject() + "\", \"claims\": {\"full_name\": \"x\","
                        + " \"birth_date\": \"1990-01-01\", \"hours\": 1e400, \"level\": 99999999999999999999999}}",
                "{\"id\": \"abc_def\", \"name\": {\"zh-CN\": \"" + nul + "\", \"en\": \"x\"}, \"validity_days\": 1e10,"
                        + " \"claims\": [{\"name\": \"n\", \"type\": \"string\", \"display\": {\"zh-CN\": \"x\", \"en\": \"y\"}}]}",
                "{\"purpose\": {\"zh-CN\": \"" + nul + "\", \"en\": \"x\"}, \"dcql_query\": {\"credentials\": [{\"id\": \"a\","
                        + " \"meta\": {\"vct_values\": [\"" + type + "\"]}, \"claims\": [{\"path\": [\"full_name\"]}]}]}}",
                "{\"presentation\": [\"x\"], \"nonce\": {\"a\": 1}}",
                "{\"credentials\": {\"card\": 5}, \"standing_until\": \"tomorrow\"}",
                "{\"claims\": [1, 2, 3], \"audience\": \"" + nul + "\", \"nonce\": \"12345678\"}",
                "[".repeat(5000) + "]".repeat(5000),
                "{\"a\": \"" + "x".repeat(600_000) + "\"}"));

        List<String> before = counts();
        List<String> answers = new ArrayList<>();
        for (Target target : targets) {
            for (String body : bodies) {
                EntityExchangeResult<byte[]> result = client.method(target.method()).uri(target.path())
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + target.token())
                        .header("Idempotency-Key", UUID.randomUUID().toString())
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(body.getBytes(StandardCharsets.UTF_8))
                        .exchange().expectBody().returnResult();
                int status = result.getStatus().value();
                String shown = target.method() + " " + target.path() + " with " + body.substring(0, Math.min(60, body.length()));
                assertThat(status).as(shown).isBetween(400, 499);
                assertThat(result.getResponseHeaders().getContentType()).as(shown)
                        .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
                answers.add(status + " " + shown);
            }
            // the wrong content type
            int status = client.method(target.method()).uri(target.path())
                    .header(HttpHeaders.AUTHORIZATION, "Bearer " + target.token())
                    .contentType(MediaType.TEXT_PLAIN).bodyValue("type=x").exchange().expectBody().returnResult()
                    .getStatus().value();
            assertThat(status).as(target + " text/plain").isBetween(400, 499);
        }
        assertThat(counts()).as("nothing was written").isEqualTo(before);
        assertThat(answers).hasSize(targets.size() * bodies.size());
    }

    @Test
    void queryParametersAndPathsOfEveryShapeAreClientErrors() {
        Agency agency = anAgency();
        Citizen citizen = aCitizen(agency.id());
        for (String path : List.of("/v1/certificates/types?limit=abc", "/v1/certificates/types?limit=100000",
                "/v1/certificates/types?cursor=%25%25%25", "/v1/certificates/credentials?cursor=bm9wZQ",
                "/v1/certificates/credentials?status=lost", "/v1/certificates/credentials/%00",
                "/v1/certificates/types/..%2f..%2fetc", "/v1/certificates/status-lists/' or 1=1 --",
                "/v1/certificates/issuers/not-an-agency")) {
            int status = client.get().uri(java.net.URI.create("http://localhost:" + port + path.replace(" ", "%20")
                            .replace("'", "%27")))
                    .header(HttpHeaders.AUTHORIZATION, "Bearer " + agency.token()).exchange().expectBody().returnResult()
                    .getStatus().value();
            assertThat(status).as(path).isBetween(400, 499);
        }
        for (String path : List.of("/v1/certificates/me/access-log?cursor=xyz", "/v1/certificates/me/access-log?limit=-1",
                "/v1/certificates/me/credentials?include_ended=maybe")) {
            int status = client.get().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + citizen.token())
                    .exchange().expectBody().returnResult().getStatus().value();
            assertThat(status).as(path).isBetween(400, 499);
        }
    }

    private static List<String> counts() {
        return TestInfrastructure.query(DATABASE, "select (select count(*) from credential) || '/' || (select count(*)"
                + " from credential_type) || '/' || (select count(*) from presentation_request where status <> 'pending')"
                + " || '/' || (select count(*) from consent) || '/' || (select count(*) from qr_token) || '/' ||"
                + " (select count(*) from access_event) || '/' || (select count(*) from verified_nonce)");
    }

}
