package org.civicstack.identity.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import javax.sql.DataSource;

import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.PreparedStatementSetter;
import org.springframework.jdbc.core.ResultSetExtractor;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.JdbcRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Within one transaction a stored authorization is read once, however often it is looked up; a save or remove
 * makes later lookups read again; outside a transaction, and in another one, nothing is shared.
 */
@ServiceIntegrationTest
class MemoizingJdbcAuthorizationServiceIT {

    @Autowired
    DataSource dataSource;

    final AtomicInteger reads = new AtomicInteger();
    final List<String> updates = new CopyOnWriteArrayList<>();
    MemoizingJdbcAuthorizationService store;
    JdbcOAuth2AuthorizationService library;
    JdbcTemplate plain;
    RegisteredClient client;
    TransactionTemplate transaction;
    OAuth2Authorization stored;
    String refreshToken;

    @BeforeEach
    void storeAnAuthorization() {
        JdbcTemplate counting = new JdbcTemplate(dataSource) {
            @Override
            public int update(String sql, PreparedStatementSetter setter) throws DataAccessException {
                if (sql.startsWith("UPDATE oauth2_authorization")) {
                    updates.add(sql);
                }
                return super.update(sql, setter);
            }

            @Override
            public <T> T query(String sql, PreparedStatementSetter setter, ResultSetExtractor<T> extractor)
                    throws DataAccessException {
                if (sql.contains("FROM oauth2_authorization")) {
                    reads.incrementAndGet();
                }
                return super.query(sql, setter, extractor);
            }
        };
        plain = new JdbcTemplate(dataSource);
        JdbcRegisteredClientRepository clients = new JdbcRegisteredClientRepository(plain);
        store = new MemoizingJdbcAuthorizationService(counting, clients);
        library = new JdbcOAuth2AuthorizationService(plain, clients);
        transaction = new TransactionTemplate(new JdbcTransactionManager(dataSource));
        client = RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId("it-memo-" + UUID.randomUUID())
                .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .redirectUri("https://app.example/cb")
                .scope("openid")
                .build();
        clients.save(client);
        refreshToken = "it-refresh-" + UUID.randomUUID();
        stored = withTokens(OAuth2Authorization.withRegisteredClient(client).principalName("it-citizen")
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE).authorizedScopes(Set.of("openid")),
                "it-access-" + UUID.randomUUID(), refreshToken)
                .attribute("it-request", new HashMap<>(Map.of("redirect_uri", "https://app.example/cb", "nonce", "n-0")))
                .build();
        store.save(stored);
        reads.set(0);
        updates.clear();
    }

    @Test
    void aRotationWritesOnlyTheNewTokensAndStoresWhatTheLibraryWould() {
        // the same authorization under another id and with tokens of its own, rotated by the library alone
        OAuth2Authorization twin = withTokens(OAuth2Authorization.from(stored).id(UUID.randomUUID().toString()),
                "it-access-" + UUID.randomUUID(), "it-refresh-" + UUID.randomUUID()).build();
        library.save(twin);
        Object attributesBefore = row(stored.getId()).get("attributes");
        Instant now = Instant.now();
        OAuth2AccessToken access = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER,
                "it-access-" + UUID.randomUUID(), now, now.plus(Duration.ofMinutes(5)), Set.of("openid"));
        OAuth2RefreshToken refresh = new OAuth2RefreshToken("it-refresh-" + UUID.randomUUID(), now,
                now.plus(Duration.ofDays(1)));
        Map<String, Object> claims = new HashMap<>(Map.of("sub", "it-citizen", "jti", UUID.randomUUID().toString()));

        transaction.executeWithoutResult(status -> {
            OAuth2Authorization read = store.findByToken(refreshToken, OAuth2TokenType.REFRESH_TOKEN);
            store.save(OAuth2Authorization.from(read)
                    .token(access, metadata -> metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, claims))
                    .refreshToken(refresh).build());
        });
        library.save(OAuth2Authorization.from(library.findById(twin.getId()))
                .token(access, metadata -> metadata.put(OAuth2Authorization.Token.CLAIMS_METADATA_NAME, claims))
                .refreshToken(refresh).build());

        assertThat(updates).singleElement().satisfies(sql -> assertThat(sql)
                .contains("access_token_value = ?", "access_token_metadata = ?", "access_token_scopes = ?",
                        "refresh_token_value = ?", "refresh_token_expires_at = ?")
                .doesNotContain("attributes", "principal_name", "oidc_id_token", "authorization_code"));
        Map<String, Object> ours = row(stored.getId());
        Map<String, Object> libraries = row(twin.getId());
        assertThat(ours.remove("attributes")).as("the attributes as written at login, byte for byte")
                .isEqualTo(attributesBefore);
        libraries.remove("attributes"); // the library writes them again (the same map, its keys perhaps reordered)
        assertThat(ours).as("every other column as the library's whole-row update writes it").isEqualTo(libraries);
        OAuth2Authorization found = library.findByToken(refresh.getTokenValue(), OAuth2TokenType.REFRESH_TOKEN);
        assertThat(found).isNotNull();
        assertThat(found.getAccessToken().getClaims()).containsEntry("jti", claims.get("jti"));
        assertThat(found.<Map<String, Object>>getAttribute("it-request")).containsEntry("nonce", "n-0");
    }

    @Test
    void anInvalidatedTokenIsWrittenWithoutTheRest() {
        transaction.executeWithoutResult(status -> {
            OAuth2Authorization read = store.findByToken(refreshToken, OAuth2TokenType.REFRESH_TOKEN);
            store.save(OAuth2Authorization.from(read).invalidate(read.getRefreshToken().getToken()).build());
        });

        // the library invalidates the access token with its refresh token
        assertThat(updates).singleElement().satisfies(sql -> assertThat(sql)
                .contains("refresh_token_metadata = ?", "access_token_metadata = ?").doesNotContain("attributes"));
        OAuth2Authorization found = library.findById(stored.getId());
        assertThat(found.getRefreshToken().isInvalidated()).isTrue();
        assertThat(found.getAccessToken().isInvalidated()).isTrue();
        assertThat(found.<Map<String, Object>>getAttribute("it-request")).containsEntry("nonce", "n-0");
    }

    @Test
    void aChangedAttributeOrOneNotReadInTheTransactionTakesTheWholeRowUpdate() {
        transaction.executeWithoutResult(status -> {
            OAuth2Authorization read = store.findById(stored.getId());
            store.save(OAuth2Authorization.from(read).attribute("it-extra", "x").build());
        });
        store.save(OAuth2Authorization.from(library.findById(stored.getId())).attribute("it-more", "y").build());

        assertThat(updates).hasSize(2).allSatisfy(sql -> assertThat(sql).contains("attributes = ?"));
        OAuth2Authorization found = library.findById(stored.getId());
        assertThat(found.<String>getAttribute("it-extra")).isEqualTo("x");
        assertThat(found.<String>getAttribute("it-more")).isEqualTo("y");
    }

    @Test
    void savingWhatWasReadWritesNothing() {
        transaction.executeWithoutResult(status -> store.save(store.findById(stored.getId())));

        assertThat(updates).isEmpty();
    }

    /** Every column of the stored row but its id. */
    private Map<String, Object> row(String id) {
        Map<String, Object> row = new java.util.TreeMap<>(plain.queryForMap(
                "SELECT * FROM oauth2_authorization WHERE id = ?", id));
        row.remove("id");
        return row;
    }

    @Test
    void oneTransactionReadsTheRowOnceForEveryLookupAndTheSave() {
        String rotated = "it-refresh-" + UUID.randomUUID();
        transaction.executeWithoutResult(status -> {
            OAuth2Authorization first = store.findByToken(refreshToken, OAuth2TokenType.REFRESH_TOKEN);
            OAuth2Authorization again = store.findByToken(refreshToken, OAuth2TokenType.REFRESH_TOKEN);
            assertThat(again).isSameAs(first);
            assertThat(store.findById(stored.getId())).isSameAs(first);
            store.save(withTokens(OAuth2Authorization.from(first), "it-access-" + UUID.randomUUID(), rotated).build());
            assertThat(reads).as("one read, the save's existence check included").hasValue(1);

            assertThat(store.findByToken(refreshToken, OAuth2TokenType.REFRESH_TOKEN))
                    .as("the rotated-out token, read again after the save").isNull();
            assertThat(reads).hasValue(2);
        });
        assertThat(store.findByToken(rotated, OAuth2TokenType.REFRESH_TOKEN)).as("the save committed").isNotNull();
        assertThat(store.findByToken(refreshToken, OAuth2TokenType.REFRESH_TOKEN)).isNull();
    }

    @Test
    void aRemoveIsSeenByTheRestOfTheTransaction() {
        transaction.executeWithoutResult(status -> {
            OAuth2Authorization found = store.findByToken(refreshToken, OAuth2TokenType.REFRESH_TOKEN);
            store.remove(found);
            assertThat(store.findByToken(refreshToken, OAuth2TokenType.REFRESH_TOKEN)).isNull();
            assertThat(store.findById(stored.getId())).isNull();
        });
    }

    @Test
    void outsideATransactionAndAcrossTransactionsEveryLookupReads() {
        store.findByToken(refreshToken, OAuth2TokenType.REFRESH_TOKEN);
        store.findByToken(refreshToken, OAuth2TokenType.REFRESH_TOKEN);
        transaction.executeWithoutResult(status -> store.findByToken(refreshToken, OAuth2TokenType.REFRESH_TOKEN));
        transaction.executeWithoutResult(status -> store.findByToken(refreshToken, OAuth2TokenType.REFRESH_TOKEN));

        assertThat(reads).hasValue(4);
    }

    @Test
    void aRolledBackTransactionLeavesNothingBehindForTheNext() {
        transaction.executeWithoutResult(status -> {
            OAuth2Authorization found = store.findByToken(refreshToken, OAuth2TokenType.REFRESH_TOKEN);
            store.remove(found);
            status.setRollbackOnly();
        });

        assertThat(store.findByToken(refreshToken, OAuth2TokenType.REFRESH_TOKEN)).as("the remove rolled back")
                .isNotNull();
    }

    private static OAuth2Authorization.Builder withTokens(OAuth2Authorization.Builder builder, String access,
            String refresh) {
        Instant now = Instant.now();
        return builder
                .accessToken(new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, access, now,
                        now.plus(Duration.ofMinutes(5)), Set.of("openid")))
                .refreshToken(new OAuth2RefreshToken(refresh, now, now.plus(Duration.ofDays(1))));
    }
}
