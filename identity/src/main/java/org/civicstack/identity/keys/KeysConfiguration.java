package org.civicstack.identity.keys;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import org.civicstack.identity.IdentityProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The signing key, loaded (or created) once at start-up. The {@link JWKSource} holds its private half for the
 * token encoder; Spring Authorization Server's JWKS endpoint serves only the public half of what it holds.
 */
@Configuration(proxyBeanMethods = false)
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
    SigningKeys signingKeys(SigningKeyRepository repository, KeyEncryptionCipher cipher) {
        return new SigningKeys(repository, cipher);
    }

    /** The key tokens are signed with now, with its private half. */
    @Bean
    ActiveSigningKey activeSigningKey(SigningKeys keys) {
        RSAKey key = keys.loadOrCreateActive();
        log.info("Signing tokens with key {} ({})", key.getKeyID(), key.getAlgorithm());
        return new ActiveSigningKey(key);
    }

    @Bean
    JWKSource<SecurityContext> jwkSource(ActiveSigningKey active) {
        return new ImmutableJWKSet<>(new JWKSet(active.key()));
    }
}
