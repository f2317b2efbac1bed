package org.civicstack.identity.authorization;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;
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
    MemoizingJdbcAuthorizationService store;
    TransactionTemplate transaction;
    OAuth2Authorization stored;
    String refreshToken;

    @BeforeEach
    void storeAnAuthorization() {
        JdbcTemplate counting = new JdbcTemplate(dataSource) {
            @Override
            public <T> T query(String sql, PreparedStatementSetter setter, ResultSetExtractor<T> extractor)
                    throws DataAccessException {
                if (sql.contains("FROM oauth2_authorization")) {
                    reads.incrementAndGet();
                }
                return super.query(sql, setter, extractor);
            }
        };
        JdbcRegisteredClientRepository clients = new JdbcRegisteredClientRepository(new JdbcTemplate(dataSource));
        store = new MemoizingJdbcAuthorizationService(counting, clients);
        transaction = new TransactionTemplate(new JdbcTransactionManager(dataSource));
        RegisteredClient client = RegisteredClient.withId(UUID.randomUUID().toString())
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
                "it-access-" + UUID.randomUUID(), refreshToken).build();
        store.save(stored);
        reads.set(0);
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
