package org.civicstack.identity.clients;

import java.net.URI;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The citizen app as identity registers it: a public client ({@code token_endpoint_auth_method=none}) with the
 * authorization code grant (PKCE S256 required) and refresh tokens, nothing else, redirecting only to the exact URIs
 * listed here (RFC 9700 §2.1, RFC 8252).
 *
 * @param clientId its {@code client_id}.
 * @param scopes what it may ask for: {@code openid}, {@code offline_access} and citizen-service scopes such as
 *         {@code svc:hospital-booking}; never a platform API scope ({@link PlatformScope}).
 * @param redirectUris where codes may be sent, compared exactly: {@code https} URLs, {@code http} only on a loopback
 *         address (RFC 8252 §7.3), or a private-use scheme in reverse domain form ({@code cn.gov.city.app:/cb},
 *         RFC 8252 §7.1). No fragment, at least one.
 */
public record CitizenAppClient(ClientId clientId, Set<String> scopes, List<URI> redirectUris) {

    /** Scope tokens a citizen app may be granted (RFC 6749 §3.3 characters, kept narrow). */
    private static final Pattern SCOPE = Pattern.compile("[a-z][a-z0-9_.:-]{0,63}");
    private static final Pattern PRIVATE_USE_SCHEME = Pattern.compile("[a-z][a-z0-9+-]*(\\.[a-z0-9+-]+)+");

    public CitizenAppClient {
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(scopes, "scopes");
        Objects.requireNonNull(redirectUris, "redirectUris");
        if (scopes.isEmpty()) {
            throw new IllegalArgumentException("citizen app " + clientId + " needs at least one scope (e.g. openid)");
        }
        for (String scope : scopes) {
            if (scope == null || !SCOPE.matcher(scope).matches()) {
                throw new IllegalArgumentException("'" + scope + "' is not a scope a citizen app can hold "
                        + "(lower-case letters, digits and _ . : -, e.g. openid, offline_access, svc:parking)");
            }
            if (PlatformScope.fromValue(scope).isPresent()) {
                throw new IllegalArgumentException("scope " + scope + " is a platform API scope; a citizen app "
                        + "can never hold one");
            }
        }
        scopes = Set.copyOf(new TreeSet<>(scopes));
        if (redirectUris.isEmpty()) {
            throw new IllegalArgumentException("citizen app " + clientId + " needs at least one redirect URI");
        }
        redirectUris.forEach(uri -> checkRedirectUri(clientId, uri));
        redirectUris = List.copyOf(new LinkedHashSet<>(redirectUris));
    }

    /** Reads one configuration entry; {@link IllegalArgumentException} names the offending value. */
    public static CitizenAppClient of(String clientId, Collection<String> scopes, Collection<String> redirectUris) {
        Objects.requireNonNull(redirectUris, "redirectUris");
        List<URI> uris = redirectUris.stream().map(String::trim).map(text -> {
            try {
                return new URI(text);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("redirect URI '" + text + "' is not a URI: " + e.getReason());
            }
        }).toList();
        return new CitizenAppClient(new ClientId(clientId), scopes == null ? Set.of() : Set.copyOf(scopes), uris);
    }

    private static void checkRedirectUri(ClientId clientId, URI uri) {
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme == null || !uri.isAbsolute()) {
            throw new IllegalArgumentException("redirect URI '" + uri + "' of " + clientId + " must be absolute");
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("redirect URI '" + uri + "' of " + clientId + " must not have a fragment");
        }
        switch (scheme) {
            case "https" -> requireHost(clientId, uri);
            case "http" -> {
                requireHost(clientId, uri);
                if (!isLoopback(uri.getHost())) {
                    throw new IllegalArgumentException("redirect URI '" + uri + "' of " + clientId
                            + " uses http on a non-loopback host; use https, a loopback address or a private-use scheme");
                }
            }
            default -> {
                if (!PRIVATE_USE_SCHEME.matcher(scheme).matches()) {
                    throw new IllegalArgumentException("redirect URI '" + uri + "' of " + clientId + ": a private-use "
                            + "scheme must be in reverse domain form (e.g. cn.gov.city.app:/oauth2redirect)");
                }
            }
        }
    }

    private static void requireHost(ClientId clientId, URI uri) {
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("redirect URI '" + uri + "' of " + clientId + " has no host");
        }
    }

    private static boolean isLoopback(String host) {
        return "127.0.0.1".equals(host) || "[::1]".equals(host) || "localhost".equalsIgnoreCase(host);
    }

    /** The scope values, sorted. */
    public Set<String> scopeValues() {
        return new TreeSet<>(scopes);
    }
}
