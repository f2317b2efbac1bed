package org.civicstack.identity.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.identity.TestClients.anOperatorClient;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

import com.jayway.jsonpath.JsonPath;
import org.civicstack.auditlog.checkpoint.Checkpoint;
import org.civicstack.auditlog.checkpoint.NoteVerifier;
import org.civicstack.auditlog.checkpoint.NoteVerifierKey;
import org.civicstack.auditlog.merkle.MerkleTree;
import org.civicstack.identity.TestClients;
import org.civicstack.identity.TokenEndpoint;
import org.civicstack.identity.clients.PlatformClientRegistrar;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * The auditor API over HTTP: revoking a client everywhere stops its tokens at identity at once and is itself in the
 * log; search pages with a cursor; a sealed checkpoint, the key and an inclusion proof from the API verify with the
 * verifier library alone; bad input is a 4xx problem and needs the right scope.
 */
@ServiceIntegrationTest
class AuditApiIT {

    static final TestClients AUDITOR = anOperatorClient("it-auditor").withScopes("audit:read", "audit:revoke");
    static final TestClients READER = anOperatorClient("it-audit-reader").withScopes("audit:read");

    @LocalServerPort
    int port;
    @Autowired
    PlatformClientRegistrar registrar;
    TokenEndpoint identity;

    @BeforeEach
    void setUp() {
        identity = new TokenEndpoint(port);
        AUDITOR.register(registrar);
        READER.register(registrar);
    }

    @Test
    void revokingAClientRefusesItsTokensAtOnceAndTheRevocationIsInTheLog() {
        String victim = token(READER, "audit:read");
        assertThat(identity.get("/v1/identity/audit/key", victim).statusCode()).isEqualTo(200);

        HttpResponse<String> revoked = post("/v1/identity/audit/revocations", auditor(),
                "{\"kind\":\"client\",\"value\":\"it-audit-reader\",\"reason\":\"leaked\"}");
        assertThat(revoked.statusCode()).as(revoked.body()).isEqualTo(201);
        assertThat((String) JsonPath.read(revoked.body(), "$.actor")).isEqualTo("client:it-auditor");

        HttpResponse<String> refused = identity.get("/v1/identity/audit/key", victim);
        assertThat(refused.statusCode()).isEqualTo(401);
        assertThat(refused.headers().firstValue("WWW-Authenticate").orElse("")).contains("invalid_token");
        // a token issued after the revocation works again (the client itself was not disabled); iat has whole
        // seconds, so one issued within the second of the revocation is still refused
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (identity.get("/v1/identity/audit/key", token(READER, "audit:read")).statusCode() != 200) {
            assertThat(System.nanoTime()).as("a fresh token works within 5 s").isLessThan(deadline);
            pause();
        }

        String query = "/v1/identity/audit/entries?client_id=it-audit-reader&kind=token_revoked";
        awaitEntries(query);
        HttpResponse<String> page = identity.get(query, auditor());
        assertThat(page.body()).contains("\"actor\":\"client:it-auditor\"").contains("\"reason\":\"leaked\"");
    }

    @Test
    void searchPagesWithACursorInLogOrder() {
        token(READER, "audit:read");
        token(READER, "audit:read");
        String query = "/v1/identity/audit/entries?client_id=it-audit-reader&kind=token_issued&limit=1";
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        String cursor;
        do {
            cursor = JsonPath.read(identity.get(query, auditor()).body(), "$.next_cursor");
        } while (cursor == null && System.nanoTime() < deadline && pause());
        assertThat(cursor).isNotNull();
        HttpResponse<String> first = identity.get(query, auditor());
        HttpResponse<String> second = identity.get(query + "&cursor=" + cursor, auditor());
        long firstIndex = ((Number) JsonPath.read(first.body(), "$.data[0].index")).longValue();
        long secondIndex = ((Number) JsonPath.read(second.body(), "$.data[0].index")).longValue();
        assertThat(secondIndex).isGreaterThan(firstIndex);
        assertThat(identity.get(query + "&cursor=bogus!", auditor()).statusCode()).isEqualTo(400);
        assertThat(identity.get("/v1/identity/audit/entries?limit=501", auditor()).statusCode()).isEqualTo(400);
        assertThat(identity.get("/v1/identity/audit/entries?from=yesterday", auditor()).statusCode()).isEqualTo(400);
    }

    @Test
    void checkpointKeyAndInclusionProofFromTheApiVerifyOffline() {
        token(READER, "audit:read");
        awaitEntries("/v1/identity/audit/entries?client_id=it-audit-reader&kind=token_issued");
        HttpResponse<String> sealed = post("/v1/identity/audit/checkpoints", auditor(), "");
        assertThat(sealed.statusCode()).as(sealed.body()).isEqualTo(200);
        NoteVerifierKey key = NoteVerifierKey.parse(identity.get("/v1/identity/audit/key", auditor()).body());
        Checkpoint checkpoint = NoteVerifier.verify(
                identity.get("/v1/identity/audit/checkpoints/latest", auditor()).body(), key);

        long index = ((Number) JsonPath.read(identity.get(
                "/v1/identity/audit/entries?client_id=it-audit-reader&kind=token_issued", auditor()).body(),
                "$.data[0].index")).longValue();
        HttpResponse<String> proof = identity.get("/v1/identity/audit/proofs/inclusion?index=" + index
                + "&tree_size=" + checkpoint.size(), auditor());
        assertThat(proof.statusCode()).as(proof.body()).isEqualTo(200);
        List<String> hashes = JsonPath.read(proof.body(), "$.hashes");
        byte[] leaf = Base64.getDecoder().decode((String) JsonPath.read(proof.body(), "$.leaf_hash"));
        MerkleTree.verifyInclusion(index, checkpoint.size(), leaf,
                hashes.stream().map(h -> Base64.getDecoder().decode(h)).toList(), checkpoint.rootHash());
        assertThat(identity.get("/v1/identity/audit/proofs/inclusion?index=0&tree_size=" + (checkpoint.size() + 99),
                auditor()).statusCode()).isEqualTo(404);
    }

    @Test
    void badRevocationsAreClearProblemsAndNeedTheRevokeScope() {
        assertThat(post("/v1/identity/audit/revocations", auditor(), "{\"kind\":\"planet\",\"value\":\"x\"}")
                .statusCode()).isEqualTo(400);
        HttpResponse<String> unknown = post("/v1/identity/audit/revocations", auditor(),
                "{\"kind\":\"session\",\"value\":\"" + java.util.UUID.randomUUID() + "\"}");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.body()).contains("session_not_found");
        assertThat(post("/v1/identity/audit/revocations", auditor(), "{\"kind\":\"citizen\",\"value\":\"nope\"}")
                .statusCode()).isEqualTo(400);
        assertThat(post("/v1/identity/audit/revocations", token(READER, "audit:read"),
                "{\"kind\":\"token\",\"value\":\"j\"}").statusCode()).isEqualTo(403);
        assertThat(identity.get("/v1/identity/audit/entries").statusCode()).isEqualTo(401);
    }

    @Test
    void ingestIsInHealth() {
        HttpResponse<String> health = identity.get("/actuator/health/audit");
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat((String) JsonPath.read(health.body(), "$.status")).isEqualTo("UP");
    }

    private void awaitEntries(String query) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (((List<?>) JsonPath.read(identity.get(query, auditor()).body(), "$.data")).isEmpty()) {
            assertThat(System.nanoTime()).as("entries for %s within 20 s", query).isLessThan(deadline);
            pause();
        }
    }

    private static boolean pause() {
        try {
            Thread.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return true;
    }

    private String auditor() {
        return token(AUDITOR, "audit:read audit:revoke");
    }

    private String token(TestClients client, String scope) {
        HttpResponse<String> response = identity.clientCredentials(client.clientId(), client.secret(), scope);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JsonPath.read(response.body(), "$.access_token");
    }

    private HttpResponse<String> post(String path, String bearer, String body) {
        return identity.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + bearer).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }
}
