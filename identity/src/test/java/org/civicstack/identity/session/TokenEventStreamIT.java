package org.civicstack.identity.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import com.jayway.jsonpath.JsonPath;
import org.civicstack.identity.citizen.CitizenAccounts;
import org.civicstack.identity.events.TokenEvents;
import org.civicstack.identity.session.CitizenTokenFixture.SignedIn;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.domain.Range;
import org.springframework.data.redis.connection.stream.MapRecord;
import org.springframework.data.redis.connection.stream.ReadOffset;
import org.springframework.data.redis.connection.stream.StreamOffset;
import org.springframework.data.redis.connection.stream.StreamReadOptions;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/** Token events travel outbox → JDBC relay → the real Redis stream {@code cs:identity:token-events}, in order. */
@ServiceIntegrationTest
class TokenEventStreamIT {

    @LocalServerPort
    int port;
    @Autowired
    RegisteredClientRepository clients;
    @Autowired
    OAuth2AuthorizationService authorizations;
    @Autowired
    CitizenAccounts accounts;
    @Autowired
    CitizenSessions sessions;
    @Autowired
    StringRedisTemplate redis;
    @Autowired
    JdbcTemplate jdbc;

    @Test
    void reuseDetectionReachesTheStreamInOrderWithoutSecrets() {
        CitizenTokenFixture fixture = new CitizenTokenFixture(clients, authorizations, accounts, sessions, port);
        SignedIn citizen = fixture.signIn();
        String rotated = JsonPath.read(fixture.refresh(citizen.refreshToken()).body(), "$.refresh_token");
        assertThat(fixture.refresh(citizen.refreshToken()).statusCode()).isEqualTo(400);

        List<String> expected = List.of("token_issued", "token_refreshed", "refresh_reuse_detected", "session_ended",
                "family_revoked");
        List<MapRecord<String, Object, Object>> ours = List.of();
        Instant deadline = Instant.now().plus(Duration.ofSeconds(20));
        while (Instant.now().isBefore(deadline)) {
            ours = redis.opsForStream().range(TokenEvents.STREAM, Range.unbounded()).stream()
                    .filter(entry -> String.valueOf(entry.getValue().get("payload")).contains(citizen.sid().toString()))
                    .toList();
            if (ours.size() >= expected.size()) {
                break;
            }
            // wait for the stream to grow (a blocking XREAD returns as soon as an entry arrives), not a sleep
            redis.opsForStream().read(StreamReadOptions.empty().block(Duration.ofMillis(500)).count(1),
                    StreamOffset.create(TokenEvents.STREAM, ReadOffset.latest()));
        }

        assertThat(ours).extracting(entry -> (String) JsonPath.read(String.valueOf(entry.getValue().get("payload")),
                "$.kind")).containsExactlyElementsOf(expected);
        Map<Object, Object> first = ours.get(0).getValue();
        assertThat(first).containsKeys("event_id", "type", "payload").containsEntry("type", TokenEvents.EVENT_TYPE);
        assertThat(ours).allSatisfy(entry -> assertThat(String.valueOf(entry.getValue().get("payload")))
                .doesNotContain(citizen.refreshToken()).doesNotContain(rotated));
        assertThat(jdbc.queryForObject("SELECT count(*) FROM outbox_event WHERE published_at IS NULL "
                + "AND payload->>'sid' = ?", Integer.class, citizen.sid().toString())).isZero();
    }
}
