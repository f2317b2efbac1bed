package org.civicstack.identity.assurance;

import java.time.Clock;

import org.civicstack.identity.assurance.face.FaceVerificationProvider;
import org.civicstack.identity.assurance.face.HttpFaceVerificationProvider;
import org.civicstack.identity.assurance.provider.RequestSigner;
import org.civicstack.identity.assurance.provider.SignedJsonClient;
import org.civicstack.identity.assurance.realname.HttpRealNameAuthority;
import org.civicstack.identity.assurance.realname.RealNameAuthority;
import org.civicstack.identity.assurance.verification.AttemptLimiter;
import org.civicstack.identity.assurance.verification.FaceVerificationService;
import org.civicstack.identity.assurance.verification.IdNumberHasher;
import org.civicstack.identity.assurance.verification.IdentityVerificationService;
import org.civicstack.identity.assurance.verification.IdentityVerifications;
import org.civicstack.identity.assurance.verification.NameCipher;
import org.civicstack.identity.assurance.verification.VerificationAttempts;
import org.civicstack.identity.citizen.CitizenAccounts;
import org.civicstack.identity.events.TokenEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Wires the assurance feature from {@link AssuranceProperties}: the two provider adapters, storage and services. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(AssuranceProperties.class)
class AssuranceConfiguration {

    private static final Logger log = LoggerFactory.getLogger(AssuranceConfiguration.class);
    private static final Clock CLOCK = Clock.systemUTC();

    @Bean
    IdNumberHasher idNumberHasher(AssuranceProperties properties) {
        if (properties.usesDevelopmentIdHashSecret()) {
            log.warn("civicstack.identity.assurance.id-hash-secret is the development default, so stored resident ID "
                    + "number hashes are keyed with a publicly known secret. Set "
                    + "CIVICSTACK_IDENTITY_ASSURANCE_ID_HASH_SECRET to a random value (openssl rand -base64 32) "
                    + "anywhere but a local all-in-one run.");
        }
        return new IdNumberHasher(properties.idHashSecret());
    }

    @Bean
    NameCipher nameCipher(AssuranceProperties properties) {
        if (properties.usesDevelopmentNameEncryptionSecret()) {
            log.warn("civicstack.identity.assurance.name-encryption-secret is the development default, so verified "
                    + "names are encrypted with a publicly known secret. Set "
                    + "CIVICSTACK_IDENTITY_ASSURANCE_NAME_ENCRYPTION_SECRET to a random value (openssl rand -base64 32) "
                    + "anywhere but a local all-in-one run.");
        }
        return new NameCipher(properties.nameEncryptionSecret());
    }

    @Bean
    VerificationAttempts verificationAttempts(JdbcTemplate jdbc) {
        return new VerificationAttempts(jdbc);
    }

    @Bean
    IdentityVerifications identityVerifications(JdbcTemplate jdbc) {
        return new IdentityVerifications(jdbc);
    }

    @Bean
    AttemptLimiter attemptLimiter(VerificationAttempts attempts, AssuranceProperties properties) {
        return new AttemptLimiter(attempts, properties.attemptsPerDay(), CLOCK);
    }

    @Bean
    RealNameAuthority realNameAuthority(AssuranceProperties properties, JsonMapper json) {
        AssuranceProperties.RealName settings = properties.realName();
        return new HttpRealNameAuthority(new SignedJsonClient(settings.baseUrl(), settings.connectTimeout(),
                settings.requestTimeout(), RequestSigner.of(settings.appKey(), settings.appSecret()), json));
    }

    @Bean
    FaceVerificationProvider faceVerificationProvider(AssuranceProperties properties, JsonMapper json) {
        AssuranceProperties.Face settings = properties.face();
        return new HttpFaceVerificationProvider(new SignedJsonClient(settings.baseUrl(), settings.connectTimeout(),
                settings.requestTimeout(), RequestSigner.of(settings.appKey(), settings.appSecret()), json),
                settings.scene(), CLOCK);
    }

    @Bean
    IdentityVerificationService identityVerificationService(CitizenAccounts accounts, VerificationAttempts attempts,
            IdentityVerifications records, AttemptLimiter limiter, RealNameAuthority authority, IdNumberHasher hasher,
            NameCipher names, TokenEvents events, TransactionTemplate tx) {
        return new IdentityVerificationService(accounts, attempts, records, limiter, authority, hasher, names, events, tx);
    }

    @Bean
    FaceVerificationService faceVerificationService(CitizenAccounts accounts, VerificationAttempts attempts,
            IdentityVerifications records, AttemptLimiter limiter, FaceVerificationProvider provider,
            IdNumberHasher hasher, NameCipher names, TokenEvents events, TransactionTemplate tx,
            AssuranceProperties properties) {
        return new FaceVerificationService(accounts, attempts, records, limiter, provider, hasher, names, events, tx,
                properties.face().matchThreshold(), CLOCK);
    }
}
