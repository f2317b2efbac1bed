package org.civicstack.platform.security;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashSet;
import java.util.Set;

import org.springframework.security.oauth2.jwt.Jwt;

/** What every resource server reads from a platform access token the same way. */
public final class TokenClaims {

    private TokenClaims() {
    }

    /** The granted scopes: identity writes {@code scope} space-separated (RFC 9068); a list is accepted too. */
    public static Set<String> scopes(Jwt jwt) {
        Set<String> scopes = new HashSet<>();
        Object scope = jwt.getClaims().get("scope");
        if (scope instanceof String s) {
            scopes.addAll(Arrays.asList(s.split(" ")));
        } else if (scope instanceof Collection<?> c) {
            c.forEach(x -> scopes.add(String.valueOf(x)));
        }
        return scopes;
    }

    /** The OAuth client the token was issued to: {@code client_id}, or the subject of a client-credentials token. */
    public static String clientId(Jwt jwt) {
        String clientId = jwt.getClaimAsString("client_id");
        return clientId != null ? clientId : jwt.getSubject();
    }
}
