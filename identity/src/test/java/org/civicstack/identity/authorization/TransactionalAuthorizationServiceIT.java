package org.civicstack.identity.authorization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.UUID;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.client.JdbcRegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A stored-authorization lookup needs one connection, not two: the library maps the row while its query holds a
 * connection and looks the client up from inside the mapping. On a pool of ONE connection (the extreme of "as many
 * concurrent lookups as connections") the bare library service cannot find anything, ours can.
 */
@ServiceIntegrationTest
class TransactionalAuthorizationServiceIT {

    @Autowired
    HikariDataSource applicationPool;

    HikariDataSource onePool;
    JdbcOAuth2AuthorizationService bare;
    String tokenValue;

    @BeforeEach
    void storeAnAuthorization() {
        HikariConfig config = new HikariConfig();
        config.setJdbcUrl(applicationPool.getJdbcUrl());
        config.setUsername(applicationPool.getUsername());
        config.setPassword(applicationPool.getPassword());
        config.setMaximumPoolSize(1);
        config.setConnectionTimeout(500);
        onePool = new HikariDataSource(config);
        JdbcTemplate jdbc = new JdbcTemplate(onePool);
        JdbcRegisteredClientRepository clients = new JdbcRegisteredClientRepository(jdbc);
        bare = new JdbcOAuth2AuthorizationService(jdbc, clients);

        RegisteredClient client = RegisteredClient.withId(UUID.randomUUID().toString())
                .clientId("it-one-connection-" + UUID.randomUUID())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .scope("registry:read")
                .build();
        clients.save(client);
        tokenValue = "it-token-" + UUID.randomUUID();
        Instant now = Instant.now();
        bare.save(OAuth2Authorization.withRegisteredClient(client)
                .principalName(client.getClientId())
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .authorizedScopes(Set.of("registry:read"))
                .accessToken(new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, tokenValue, now,
                        now.plus(Duration.ofMinutes(5)), Set.of("registry:read")))
                .build());
    }

    @AfterEach
    void closePool() {
        onePool.close();
    }

    @Test
    void theLibraryServiceNeedsASecondConnectionForOneLookup() {
        assertThatThrownBy(() -> bare.findByToken(tokenValue, OAuth2TokenType.ACCESS_TOKEN))
                .isInstanceOf(CannotGetJdbcConnectionException.class);
    }

    @Test
    void oursFindsSavesAndRemovesOnOneConnection() {
        OAuth2AuthorizationService ours = new TransactionalAuthorizationService(bare,
                new TransactionTemplate(new JdbcTransactionManager(onePool)));

        OAuth2Authorization found = ours.findByToken(tokenValue, OAuth2TokenType.ACCESS_TOKEN);
        assertThat(found).isNotNull();
        assertThat(found.getAccessToken().getToken().getTokenValue()).isEqualTo(tokenValue);
        assertThat(ours.findById(found.getId())).isNotNull();

        ours.save(OAuth2Authorization.from(found).attribute("it", "updated").build());
        assertThat(ours.findById(found.getId()).<String>getAttribute("it")).isEqualTo("updated");

        ours.remove(found);
        assertThat(ours.findByToken(tokenValue, OAuth2TokenType.ACCESS_TOKEN)).isNull();
    }
}
