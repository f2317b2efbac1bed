package org.civicstack.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

import org.civicstack.platform.security.revocation.RevocationFeed;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * docs/revocation.md at a resource server: once identity's revocation is on the stream {@value RevocationFeed#STREAM}
 * (written here as identity's outbox relay writes it), the registry refuses the revoked agency tokens with a 401
 * problem+json — {@code client}: every token of the client issued at or before {@code revoked_at}; {@code token}:
 * that {@code jti} only. The delay from the XADD to the first refusal is printed ({@code revocation-latency …}).
 */
class RevokedTokenIT extends RegistryTestSupport {

    /** Generous for a busy 2-core machine; the feed polls every 100 ms. */
    private static final Duration DEADLINE = Duration.ofSeconds(3);

    private final JsonMapper json = JsonMapper.builder().build();

    @Autowired
    ReactiveStringRedisTemplate redis;

    String clientId;
    String ownAgency;

    @BeforeEach
    void anAgencyWithItsOwnClientAndACurrentDenyList() {
        clientId = "sz-revoked-" + UUID.randomUUID().toString().substring(0, 8);
        ownAgency = registerAgency(clientId);
        pollUntil(this::revocationsHealth, "UP"::equals, Duration.ofSeconds(10));
    }

    @Test
    void aClientRevocationRefusesTheClientsTokensIssuedAtOrBeforeItAndNoOthers() {
        // identity disabled the client 2 s ago; its outbox relay publishes the revocation now
        Instant revokedAt = Instant.now().minusSeconds(2);
        String before = agencyToken(revokedAt.minusSeconds(60), newJti());
        String sameSecond = agencyToken(revokedAt.truncatedTo(ChronoUnit.SECONDS), newJti());
        String after = agencyToken(Instant.now(), newJti());
        assertThat(status(before)).isEqualTo(200);
        assertThat(status(sameSecond)).isEqualTo(200);

        long published = System.nanoTime();
        publish("client", clientId, revokedAt);
        long millis = millisUntilRefused(before, published);
        System.out.println("revocation-latency service=services-registry kind=client ms=" + millis);

        expectRevokedProblem(before);
        assertThat(status(sameSecond)).as("iat has whole seconds: the revocation's second is refused too")
                .isEqualTo(401);
        assertThat(status(after)).as("issued after revoked_at").isEqualTo(200);
        assertThat(status(agencyToken, agencyId)).as("another agency's client").isEqualTo(200);
    }

    @Test
    void aTokenRevocationRefusesThatTokenAndNotTheClientsOthers() {
        String jti = newJti();
        String revoked = agencyToken(Instant.now(), jti);
        String sibling = agencyToken(Instant.now(), newJti());
        assertThat(status(revoked)).isEqualTo(200);

        long published = System.nanoTime();
        publish("token", jti, Instant.now());
        long millis = millisUntilRefused(revoked, published);
        System.out.println("revocation-latency service=services-registry kind=token ms=" + millis);

        expectRevokedProblem(revoked);
        assertThat(status(sibling)).isEqualTo(200);
    }

    /** An agency token as identity issues it: {@code sub} = {@code client_id} = the client, its own iat and jti. */
    private String agencyToken(Instant issuedAt, String jti) {
        return tokens.token(clientId, Map.of("client_id", clientId, "agency_id", ownAgency, "client_type", "agency",
                "scope", "registry:read registry:write", "iat", Date.from(issuedAt), "jti", jti));
    }

    /** The status of reading the own agency with {@code token}. */
    private int status(String token) {
        return status(token, ownAgency);
    }

    private int status(String token, String agency) {
        return client.get().uri("/v1/registry/agencies/{id}", agency)
                .headers(h -> h.setBearerAuth(token))
                .exchange()
                .returnResult(String.class).getStatus().value();
    }

    /** Requests back to back until one is refused; the milliseconds from {@code publishedNanos}. */
    private long millisUntilRefused(String token, long publishedNanos) {
        long deadline = publishedNanos + DEADLINE.toNanos();
        while (status(token) != 401) {
            assertThat(System.nanoTime()).as("refused within %s of the XADD", DEADLINE).isLessThan(deadline);
        }
        return (System.nanoTime() - publishedNanos) / 1_000_000;
    }

    private void expectRevokedProblem(String token) {
        client.get().uri("/v1/registry/agencies/{id}", ownAgency)
                .headers(h -> h.setBearerAuth(token))
                .exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectHeader().value(HttpHeaders.WWW_AUTHENTICATE,
                        challenge -> assertThat(challenge).startsWith("Bearer").contains("error=\"invalid_token\"")
                                .contains("revoked"))
                .expectBody()
                .jsonPath("$.status").isEqualTo(401)
                .jsonPath("$.code").isEqualTo("unauthorized")
                .jsonPath("$.detail").isEqualTo("The token has been revoked.");
    }

    /** As identity's outbox relay writes a revocation (docs/revocation.md). */
    private void publish(String kind, String value, Instant revokedAt) {
        String eventId = UUID.randomUUID().toString();
        String payload = json.writeValueAsString(Map.of("event_id", eventId, "kind", kind, "value", value,
                "revoked_at", revokedAt.toString(), "expires_at", revokedAt.plus(Duration.ofMinutes(6)).toString()));
        redis.opsForStream().add(RevocationFeed.STREAM, Map.of("event_id", eventId, "type", "revocation",
                "payload", payload)).block(Duration.ofSeconds(5));
    }

    private String revocationsHealth() {
        Map<?, ?> health = client.get().uri("/actuator/health/revocations").exchange()
                .returnResult(Map.class).getResponseBody().blockFirst(Duration.ofSeconds(5));
        return health == null ? null : String.valueOf(health.get("status"));
    }

    private static String newJti() {
        return UUID.randomUUID().toString();
    }
}
