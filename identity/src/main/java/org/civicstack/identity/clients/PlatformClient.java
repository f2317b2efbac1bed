package org.civicstack.identity.clients;

import java.net.URI;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A confidential client of the platform APIs (an agency, an operator tool, a platform component) as identity
 * registers it: client credentials grant only, with the scopes its type may hold.
 *
 * @param clientId its {@code client_id}.
 * @param type who it acts for; an agency client may name its agency.
 * @param agencyId the agency an agency client acts for, or {@code null} when not yet known (an agency registers its
 *         organisation before the registry has given it an id). Never set for other types.
 * @param scopes what it may request; at least one, each grantable to {@code type}.
 * @param jwkSetUri where it publishes the keys for {@code private_key_jwt}, or {@code null} if it authenticates with
 *         a secret only or registered its keys inline.
 * @param jwks the public keys for {@code private_key_jwt} stored with the client, or {@code null}; never together
 *         with {@code jwkSetUri}.
 */
public record PlatformClient(ClientId clientId, ClientType type, AgencyId agencyId, Set<PlatformScope> scopes,
        URI jwkSetUri, ClientJwks jwks) {

    public PlatformClient(ClientId clientId, ClientType type, AgencyId agencyId, Set<PlatformScope> scopes,
            URI jwkSetUri) {
        this(clientId, type, agencyId, scopes, jwkSetUri, null);
    }

    public PlatformClient {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(scopes, "scopes");
        if (type == ClientType.CITIZEN_APP) {
            throw new IllegalArgumentException("client " + clientId + " is a citizen app: a public client, not a "
                    + "platform client (see CitizenAppClient)");
        }
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("client " + clientId + " needs at least one scope");
        }
        scopes = Set.copyOf(EnumSet.copyOf(scopes));
        for (PlatformScope scope : scopes) {
            if (!scope.grantableTo(type)) {
                throw new IllegalArgumentException("scope " + scope.value() + " cannot be granted to "
                        + type.claimValue() + " client " + clientId);
            }
        }
        if (agencyId != null && type != ClientType.AGENCY) {
            throw new IllegalArgumentException("only agency clients carry an agency id; " + clientId + " is "
                    + type.claimValue());
        }
        if (jwkSetUri != null && !("https".equals(jwkSetUri.getScheme()) || "http".equals(jwkSetUri.getScheme()))) {
            throw new IllegalArgumentException("jwk set uri of " + clientId + " must be an http(s) URL: " + jwkSetUri);
        }
        if (jwkSetUri != null && jwks != null) {
            throw new IllegalArgumentException("client " + clientId + " registers its keys either inline (jwks) or "
                    + "at a JWKS URI, not both");
        }
    }

    /**
     * Reads one entry of configuration, naming the offending value in any error.
     *
     * @throws IllegalArgumentException when a value is invalid or a rule above is broken
     */
    public static PlatformClient of(String clientId, ClientType type, String agencyId, Set<String> scopes,
            URI jwkSetUri) {
        Objects.requireNonNull(scopes, "scopes");
        Set<PlatformScope> parsed = scopes.stream()
                .map(scope -> PlatformScope.fromValue(scope).orElseThrow(() -> new IllegalArgumentException(
                        "unknown scope '" + scope + "' (known: " + knownScopes() + ")")))
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(PlatformScope.class)));
        return new PlatformClient(new ClientId(clientId), type,
                agencyId == null || agencyId.isBlank() ? null : new AgencyId(agencyId), parsed, jwkSetUri);
    }

    public Optional<AgencyId> agency() {
        return Optional.ofNullable(agencyId);
    }

    public Optional<URI> jwkSet() {
        return Optional.ofNullable(jwkSetUri);
    }

    public Optional<ClientJwks> inlineJwks() {
        return Optional.ofNullable(jwks);
    }

    /** Whether it authenticates with {@code private_key_jwt} (keys inline or at a URI). */
    public boolean usesPrivateKeyJwt() {
        return jwkSetUri != null || jwks != null;
    }

    /** The same client with its keys stored inline (and no JWKS URI). */
    public PlatformClient withJwks(ClientJwks keys) {
        return new PlatformClient(clientId, type, agencyId, scopes, null, keys);
    }

    /** The scope values, sorted, as they are stored and shown. */
    public Set<String> scopeValues() {
        return scopes.stream().map(PlatformScope::value).sorted()
                .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
    }

    private static String knownScopes() {
        return EnumSet.allOf(PlatformScope.class).stream().map(PlatformScope::value)
                .sorted(Comparator.naturalOrder()).collect(Collectors.joining(", "));
    }
}
