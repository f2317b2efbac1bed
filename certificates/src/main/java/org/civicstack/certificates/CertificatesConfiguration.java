package org.civicstack.certificates;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

import org.civicstack.certificates.citizen.CitizenDirectory;
import org.civicstack.certificates.citizen.IdentityCitizenDirectory;
import org.civicstack.certificates.keys.AesGcmPayloadCipher;
import org.civicstack.certificates.keys.ConfiguredKeyProvider;
import org.civicstack.certificates.keys.CredentialSigningKeys;
import org.civicstack.certificates.keys.KeyProvider;
import org.civicstack.certificates.keys.PayloadCipher;
import org.civicstack.certificates.keys.StoredCredentialSigningKeys;
import org.civicstack.certificates.sdjwt.SdJwtVcIssuer;
import org.civicstack.certificates.statuslist.StatusListTokenSigner;
import org.civicstack.platform.idempotency.IdempotencyKeys;
import org.civicstack.platform.schedule.PeriodicJob;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.reactive.function.client.WebClient;
import tools.jackson.databind.json.JsonMapper;

/** The certificates service's own beans: keys, the cipher, the SD-JWT issuer, idempotency and the citizen directory. */
@Configuration(proxyBeanMethods = false)
public class CertificatesConfiguration {

    @Bean
    KeyProvider dataKeys(CertificatesProperties properties) {
        if ("development".equals(properties.dataKeys().currentKeyId())) {
            LoggerFactory.getLogger(CertificatesConfiguration.class).warn("Credential payloads are sealed with the "
                    + "publicly known development key: fine for a local all-in-one run, never anywhere else "
                    + "(set civicstack.certificates.data-keys.*)");
        }
        return new ConfiguredKeyProvider(properties.dataKeys().keys(), properties.dataKeys().currentKeyId());
    }

    @Bean
    PayloadCipher payloadCipher(KeyProvider keys) {
        return new AesGcmPayloadCipher(keys);
    }

    /** Loaded (or made) at start, once Flyway has created the schema. */
    @Bean
    @org.springframework.context.annotation.DependsOn("flywayInitializer")
    StoredCredentialSigningKeys credentialSigningKeys(DatabaseClient db, TransactionalOperator tx, PayloadCipher cipher,
            Clock clock) {
        return new StoredCredentialSigningKeys(db, tx, cipher, clock);
    }

    /** Re-reads the signing keys every 30 s, so another instance's rotation shows here. */
    @Bean
    PeriodicJob signingKeyRefresh(StoredCredentialSigningKeys keys) {
        return PeriodicJob.blocking("credential signing key refresh", Duration.ofSeconds(30), Duration.ofSeconds(30),
                () -> {
                    keys.refresh();
                    return null;
                });
    }

    @Bean
    SdJwtVcIssuer sdJwtVcIssuer(CredentialSigningKeys keys) {
        return new SdJwtVcIssuer(keys);
    }

    @Bean
    StatusListTokenSigner statusListTokenSigner(CredentialSigningKeys keys) {
        return new StatusListTokenSigner(keys);
    }

    /** Issuance requests carry claim values: their fingerprints are HMACs under a secret of this deployment. */
    @Bean
    IdempotencyKeys idempotencyKeys(DatabaseClient db, JsonMapper json, CertificatesProperties properties) {
        return new IdempotencyKeys(db, json, properties.requestFingerprintSecret().getBytes(StandardCharsets.UTF_8));
    }

    @Bean
    @ConditionalOnMissingBean
    CitizenDirectory citizenDirectory(WebClient.Builder builder, CertificatesProperties properties) {
        if (properties.identity() == null || properties.identity().tokenUri() == null) {
            throw new IllegalStateException("civicstack.certificates.identity.* (token-uri, base-url, client-id, "
                    + "client-secret) must be set: certificates resolves agencies' citizen subjects through identity");
        }
        return new IdentityCitizenDirectory(builder, properties.identity());
    }
}
