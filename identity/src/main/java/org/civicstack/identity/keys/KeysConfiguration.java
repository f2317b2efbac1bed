package org.civicstack.identity.keys;

import java.time.Clock;

import org.civicstack.identity.IdentityProperties;
import org.civicstack.identity.events.TokenEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The signing keys: stored in PostgreSQL (sealed), held in memory by the {@link SigningKeyRing} (the
 * {@code JWKSource} of the token encoder and the JWKS), rotated by {@link KeyRotation} on schedule
 * ({@link KeyMaintenance}) or by an operator. The first key is created at the very first start.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(KeyRotationProperties.class)
class KeysConfiguration {

    private static final Logger log = LoggerFactory.getLogger(KeysConfiguration.class);

    @Bean
    KeyEncryptionCipher keyEncryptionCipher(IdentityProperties properties) {
        if (properties.usesDevelopmentKeyEncryptionSecret()) {
            log.warn("civicstack.identity.key-encryption-secret is the development default, so the token signing key "
                    + "is protected by a publicly known secret. Set CIVICSTACK_IDENTITY_KEY_ENCRYPTION_SECRET to a random "
                    + "value (openssl rand -base64 32) anywhere but a local all-in-one run.");
        }
        return new KeyEncryptionCipher(properties.keyEncryptionSecret());
    }

    @Bean
    SigningKeyRepository signingKeyRepository(JdbcTemplate jdbc) {
        return new SigningKeyRepository(jdbc);
    }

    @Bean
    SigningKeys signingKeys(KeyEncryptionCipher cipher) {
        return new SigningKeys(cipher);
    }

    /** The signing keys in memory, the {@code JWKSource} of the encoder, the decoder and the JWKS. */
    @Bean
    SigningKeyRing signingKeyRing(SigningKeyRepository repository, SigningKeys keys, KeyRotationProperties rotation,
            IdentityProperties identity, ObjectProvider<Clock> clock) {
        if (rotation.maxTokenLifetime().compareTo(identity.accessTokenTtl()) < 0) {
            throw new IllegalStateException("civicstack.identity.keys.max-token-lifetime (" + rotation.maxTokenLifetime()
                    + ") is shorter than civicstack.identity.access-token-ttl (" + identity.accessTokenTtl()
                    + "): keys would leave the JWKS while tokens they signed are still valid");
        }
        return new SigningKeyRing(repository, keys, rotation.maxTokenLifetime(), clock.getIfUnique(Clock::systemUTC));
    }

    @Bean
    KeyRotation keyRotation(SigningKeyRepository repository, SigningKeys keys, SigningKeyRing ring,
            TokenEvents events, TransactionTemplate transaction, KeyRotationProperties properties,
            ObjectProvider<Clock> clock) {
        KeyRotation rotation = new KeyRotation(repository, keys, ring, events, transaction, properties,
                clock.getIfUnique(Clock::systemUTC));
        rotation.ensureKeys();
        for (KeySeries series : KeySeries.values()) {
            ActiveSigningKey current = ring.current(series);
            log.info("Signing {} with key {} ({})", series.wireName(), current.kid(), current.algorithm());
        }
        return rotation;
    }

    @Bean
    KeyMaintenance keyMaintenance(KeyRotation rotation, SigningKeyRing ring, KeyRotationProperties properties) {
        return new KeyMaintenance(rotation, ring, properties.refreshInterval());
    }

    /** Spring Authorization Server uses this encoder instead of building one from the {@code JWKSource}. */
    @Bean
    JwtEncoder jwtEncoder(SigningKeyRing ring, KeyRotation rotationLoadsTheRingFirst) {
        return new RotatingJwtEncoder(ring);
    }

    /** {@code GET /oauth2/jwks} before the security chain, so its media type is ours (see the filter). */
    @Bean
    FilterRegistrationBean<JwksEndpointFilter> jwksEndpointFilter(SigningKeyRing ring,
            AuthorizationServerSettings settings, KeyRotation rotationLoadsTheRingFirst) {
        FilterRegistrationBean<JwksEndpointFilter> registration =
                new FilterRegistrationBean<>(new JwksEndpointFilter(settings.getJwkSetEndpoint(), ring));
        registration.addUrlPatterns(settings.getJwkSetEndpoint());
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }
}
