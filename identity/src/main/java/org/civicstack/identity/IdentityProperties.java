package org.civicstack.identity;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The authorization server's settings ({@code civicstack.identity.*}, env {@code CIVICSTACK_IDENTITY_*}).
 *
 * @param issuer public base URL of the authorization server: the {@code iss} of every token and the prefix of
 *         every endpoint in the discovery document; the gateway's public address, since the gateway is the only
 *         door (env {@code CIVICSTACK_IDENTITY_ISSUER}).
 * @param audience the {@code aud} of every access token; resource servers require it
 *         (env {@code CIVICSTACK_IDENTITY_AUDIENCE}).
 * @param accessTokenTtl lifetime of an access token, a duration such as {@code 5m}; applied to each client when it
 *         is registered (env {@code CIVICSTACK_IDENTITY_ACCESS_TOKEN_TTL}).
 * @param keyEncryptionSecret secret from which the key protecting the signing keys at rest is derived; at least 32
 *         characters, random ({@code openssl rand -base64 32}); changing it makes the stored signing key unreadable
 *         (env {@code CIVICSTACK_IDENTITY_KEY_ENCRYPTION_SECRET}). Production MUST set it.
 * @param bootstrapClients clients registered or updated at every start (idempotent), by entry name; empty by
 *         default, there are no built-in credentials (see {@code docs/identity-clients.md}). A map rather than a
 *         list because Spring replaces a list wholesale with the one of the highest-priority source that has any
 *         element, and binds only indices 0, 1, 2, … without a gap: the all-in-one launcher's command-line client
 *         hid every client configured in the environment, and a client at index 5 alone was refused. Map entries
 *         merge across sources (YAML list items, {@code CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_<n>_*}, command-line
 *         arguments), so any index or name works and two sources add up; the same name in two sources is one entry
 *         whose fields the higher-priority source overrides. Every entry is checked by {@code BootstrapClients}.
 */
@Validated
@ConfigurationProperties(IdentityProperties.PREFIX)
public record IdentityProperties(
        @NotNull URI issuer,
        @NotBlank String audience,
        @NotNull @DurationMin(seconds = 30) @DurationMax(hours = 1) Duration accessTokenTtl,
        @NotBlank @Size(min = 32) String keyEncryptionSecret,
        Map<String, BootstrapClient> bootstrapClients) {

    public static final String PREFIX = "civicstack.identity";

    /**
     * The secret shipped in {@code application.yml} so that the all-in-one run works out of the box. Known to
     * everyone who can read this repository: identity logs a warning whenever it is in use.
     */
    public static final String DEVELOPMENT_KEY_ENCRYPTION_SECRET = "insecure-development-only-key-encryption-secret";

    public IdentityProperties {
        bootstrapClients = bootstrapClients == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(bootstrapClients));
    }

    public boolean usesDevelopmentKeyEncryptionSecret() {
        return DEVELOPMENT_KEY_ENCRYPTION_SECRET.equals(keyEncryptionSecret);
    }

    @Override
    public String toString() {
        return "IdentityProperties[issuer=" + issuer + ", audience=" + audience + ", accessTokenTtl=" + accessTokenTtl
                + ", keyEncryptionSecret=****, bootstrapClients=" + bootstrapClients + "]";
    }

    /**
     * One client to register at start ({@code civicstack.identity.bootstrap-clients[<name>].*}). Plain strings:
     * {@code BootstrapClients} checks every field and names the entry, the field and the environment variable in
     * its message, which a failed type conversion during binding would not.
     *
     * @param clientId the OAuth {@code client_id}: 3–100 characters of {@code a-z 0-9 . _ -}.
     * @param secret the client secret for {@code client_secret_basic}, at least 32 characters; stored only as a
     *         BCrypt hash. Optional when {@code jwkSetUri} is given.
     * @param scopes the scopes the client may request, e.g. {@code registry:read}; see {@code PlatformScope}.
     * @param clientType {@code agency}, {@code operator}, {@code platform} or {@code citizen_app} (any case);
     *         becomes the {@code client_type} claim.
     * @param agencyId the agency this client acts for ({@code agy_…}), only for agency clients; becomes the
     *         {@code agency_id} claim.
     * @param jwkSetUri where the client publishes the public keys it signs {@code private_key_jwt} assertions
     *         with; enables that authentication method.
     * @param redirectUris only for {@code citizen_app}: the exact redirect URIs (comma-separated) authorization
     *         codes may be sent to; https, http on a loopback address, or a reverse-domain private-use scheme.
     */
    public record BootstrapClient(
            String clientId,
            String secret,
            Set<String> scopes,
            String clientType,
            String agencyId,
            String jwkSetUri,
            java.util.List<String> redirectUris) {

        /** The one constructor configuration binds (a record with two constructors needs saying which). */
        @org.springframework.boot.context.properties.bind.ConstructorBinding
        public BootstrapClient {
        }

        /** A platform client entry (no redirect URIs). */
        public BootstrapClient(String clientId, String secret, Set<String> scopes, String clientType, String agencyId,
                String jwkSetUri) {
            this(clientId, secret, scopes, clientType, agencyId, jwkSetUri, null);
        }

        @Override
        public String toString() {
            return "BootstrapClient[clientId=" + clientId + ", secret=" + (secret == null ? "none" : "****")
                    + ", scopes=" + scopes + ", clientType=" + clientType + ", agencyId=" + agencyId
                    + ", jwkSetUri=" + jwkSetUri + ", redirectUris=" + redirectUris + "]";
        }
    }
}
