package org.civicstack.identity.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import org.civicstack.testkit.ServiceIntegrationTest;
import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationCode;
import org.springframework.security.oauth2.server.authorization.client.JdbcRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * The token tables as they grow: every lookup the library or identity makes of {@code oauth2_authorization} has an
 * index (V81), so do the periodic purges of it, of {@code client_credentials_token} and of the outbox (V82); rows
 * whose every token expired are purged while every other row stays.
 */
@ServiceIntegrationTest
class StoredAuthorizationTableIT {

    @Autowired
    JdbcTemplate jdbc;
    static final String DATABASE = "civicstack_identity";

    /**
     * The WHERE clauses of Spring Authorization Server's JdbcOAuth2AuthorizationService (findById, findByToken for
     * each token type and for an unknown type) and of identity's own queries of the table (a session's family).
     */
    static final List<String> LOOKUPS = List.of(
            "id = 'x'",
            "state = 'x'",
            "authorization_code_value = 'x'",
            "access_token_value = 'x'",
            "oidc_id_token_value = 'x'",
            "refresh_token_value = 'x'",
            "user_code_value = 'x'",
            "device_code_value = 'x'",
            "state = 'x' OR authorization_code_value = 'x' OR access_token_value = 'x' OR oidc_id_token_value = 'x' "
                    + "OR refresh_token_value = 'x' OR user_code_value = 'x' OR device_code_value = 'x'",
            "principal_name = 'x'",
            ExpiredAuthorizations.LAST_EXPIRY + " < now() - interval '1 hour'");

    /** The periodic purges of the other growing tables (their statements' WHERE clauses). */
    static final List<String> PURGES = List.of(
            "DELETE FROM client_credentials_token WHERE expires_at < now()",
            "DELETE FROM outbox_event WHERE published_at < now() - make_interval(secs => 86400)");

    @Test
    void everyLookupOfTheTableAndEveryPurgeUsesAnIndex() {
        for (String filter : LOOKUPS) {
            assertThat(TestInfrastructure.planWithoutSequentialScans(DATABASE,
                    "SELECT id FROM oauth2_authorization WHERE " + filter)).as(filter).doesNotContain("Seq Scan");
        }
        for (String purge : PURGES) {
            assertThat(TestInfrastructure.planWithoutSequentialScans(DATABASE, purge)).as(purge)
                    .doesNotContain("Seq Scan");
        }
    }

    @Test
    void onlyRowsWhoseEveryTokenExpiredArePurged() {
        JdbcRegisteredClientRepository clients = new JdbcRegisteredClientRepository(jdbc);
        RegisteredClient client = RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId("it-purge-" + UUID.randomUUID())
                .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .redirectUri("https://app.example/cb").scope("openid").build();
        clients.save(client);
        JdbcOAuth2AuthorizationService store = new JdbcOAuth2AuthorizationService(jdbc, clients);
        Instant now = Instant.now();
        Instant longAgo = now.minus(Duration.ofDays(2));
        Instant expired = now.minus(ExpiredAuthorizations.GRACE).minus(Duration.ofMinutes(5));
        Instant justExpired = now.minus(Duration.ofMinutes(5)); // within the grace

        String allExpired = save(store, client, access(longAgo, expired), refresh(longAgo, expired));
        String abandonedCode = save(store, client, null, null, code(longAgo, expired));
        String refreshStillLive = save(store, client, access(longAgo, expired), refresh(longAgo, now.plusSeconds(600)));
        String withinGrace = save(store, client, access(longAgo, justExpired), refresh(longAgo, justExpired));
        String refreshWithoutExpiry = save(store, client, access(longAgo, expired), refresh(longAgo, null));
        String live = save(store, client, access(now, now.plusSeconds(300)), refresh(now, now.plusSeconds(3600)));

        assertThat(new ExpiredAuthorizations(jdbc).purge()).isGreaterThanOrEqualTo(2);

        assertThat(store.findById(allExpired)).isNull();
        assertThat(store.findById(abandonedCode)).isNull();
        for (String kept : List.of(refreshStillLive, withinGrace, refreshWithoutExpiry, live)) {
            assertThat(store.findById(kept)).as(kept).isNotNull();
        }
        assertThat(new ExpiredAuthorizations(jdbc).purge()).as("nothing left to purge of these").isZero();
    }

    private static String save(JdbcOAuth2AuthorizationService store, RegisteredClient client, OAuth2AccessToken access,
            OAuth2RefreshToken refresh, OAuth2AuthorizationCode... code) {
        OAuth2Authorization.Builder builder = OAuth2Authorization.withRegisteredClient(client)
                .id(UUID.randomUUID().toString()).principalName("it-purge-citizen")
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE).authorizedScopes(Set.of("openid"));
        if (access != null) {
            builder.accessToken(access);
        }
        if (refresh != null) {
            builder.refreshToken(refresh);
        }
        for (OAuth2AuthorizationCode c : code) {
            builder.token(c);
        }
        OAuth2Authorization authorization = builder.build();
        store.save(authorization);
        return authorization.getId();
    }

    private static OAuth2AccessToken access(Instant issued, Instant expires) {
        return new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "it-access-" + UUID.randomUUID(), issued,
                expires, Set.of("openid"));
    }

    private static OAuth2RefreshToken refresh(Instant issued, Instant expires) {
        return new OAuth2RefreshToken("it-refresh-" + UUID.randomUUID(), issued, expires);
    }

    private static OAuth2AuthorizationCode code(Instant issued, Instant expires) {
        return new OAuth2AuthorizationCode("it-code-" + UUID.randomUUID(), issued, expires);
    }
}
