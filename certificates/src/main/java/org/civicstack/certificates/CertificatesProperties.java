package org.civicstack.certificates;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of the certificates service, {@code civicstack.certificates.*}.
 *
 * @param publicBaseUrl the platform's public address (the gateway): issuers, {@code vct}s, the JWKS and status list
 *                      URIs inside credentials are under it, so verifiers can fetch them
 * @param dataKeys the AES-256 keys that seal credential payloads, presentations and private keys at rest
 * @param seedTypes register the demo credential types of the all-in-one run at start (glossary.md)
 * @param idempotencyRetention how long an issuance Idempotency-Key is remembered (at least 24 h)
 * @param statusListSize entries per status list (2 bits each)
 * @param statusListTtl the {@code ttl} of a published status list and its HTTP max-age: how stale a verifier's copy
 *                      may be, so the upper bound on how long a revocation takes to reach offline verifiers
 * @param statusListValidity the {@code exp} of a published status list token (after {@code iat})
 * @param requestTtl how long a presentation request waits for the citizen by default
 * @param maxRequestTtl the longest an agency may ask for
 * @param qrTtl how long a QR token for showing a credential in person lives
 * @param maxStandingConsent the longest a standing consent may run
 * @param requestFingerprintSecret the HMAC key of issuance request fingerprints (Idempotency-Key checks)
 * @param registryBaseUrl the services registry, whose public catalog names agencies on consent screens
 * @param identity how this service resolves citizens (pairwise subjects, resident ID numbers) through identity
 */
@ConfigurationProperties("civicstack.certificates")
public record CertificatesProperties(
        @DefaultValue("http://localhost:8080") URI publicBaseUrl,
        DataKeys dataKeys,
        @DefaultValue("false") boolean seedTypes,
        @DefaultValue("25h") Duration idempotencyRetention,
        @DefaultValue("131072") int statusListSize,
        @DefaultValue("60s") Duration statusListTtl,
        @DefaultValue("24h") Duration statusListValidity,
        @DefaultValue("10m") Duration requestTtl,
        @DefaultValue("1d") Duration maxRequestTtl,
        @DefaultValue("2m") Duration qrTtl,
        @DefaultValue("366d") Duration maxStandingConsent,
        String requestFingerprintSecret,
        @DefaultValue("http://localhost:8082") URI registryBaseUrl,
        Identity identity) {

    public CertificatesProperties {
        if (idempotencyRetention.compareTo(Duration.ofHours(24)) < 0) {
            throw new IllegalArgumentException("civicstack.certificates.idempotency-retention must be at least 24h");
        }
        if (statusListSize < 1024 || statusListSize % 4 != 0) {
            throw new IllegalArgumentException("civicstack.certificates.status-list-size must be a multiple of 4, at least 1024");
        }
        if (requestFingerprintSecret == null || requestFingerprintSecret.length() < 16) {
            throw new IllegalArgumentException("civicstack.certificates.request-fingerprint-secret must be at least 16 characters");
        }
        if (dataKeys == null) {
            dataKeys = new DataKeys(Map.of(), null);
        }
    }

    /** The base every public URI of this service is built on, without a trailing slash. */
    public String base() {
        String text = publicBaseUrl.toString();
        return text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    }

    /**
     * @param keys key id → base64 of a 32-byte AES key; old keys stay listed while anything sealed with them remains
     * @param currentKeyId the key new payloads are sealed with
     */
    public record DataKeys(Map<String, String> keys, String currentKeyId) {
        public DataKeys {
            keys = keys == null ? Map.of() : Map.copyOf(keys);
        }
    }

    /**
     * @param tokenUri identity's token endpoint (client credentials)
     * @param baseUrl identity's base URL for the citizen-reference API
     * @param clientId this service's platform client at identity (scope identity:resolve)
     * @param clientSecret its secret
     * @param timeout how long a call to identity may take
     */
    public record Identity(URI tokenUri, URI baseUrl, String clientId, String clientSecret,
            @DefaultValue("5s") Duration timeout) {
    }
}
