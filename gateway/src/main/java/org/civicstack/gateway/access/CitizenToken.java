package org.civicstack.gateway.access;

import java.util.Set;

/**
 * A citizen access token the gateway verified: what enforcement, rate limiting and usage records need of it. Holds
 * no token string (this record may end up in logs or a debugger).
 *
 * @param subject the citizen ({@code sub})
 * @param clientId the app the token was issued to
 * @param scopes the granted scopes
 * @param assuranceLevel the level of {@code acr} (0 when absent)
 * @param jti the token's id
 * @param sid the login session
 * @param expiresAtMillis {@code exp} in epoch milliseconds
 * @param issuedAtMillis {@code iat} in epoch milliseconds (what revocations of a citizen or a client compare with)
 */
public record CitizenToken(String subject, String clientId, Set<String> scopes, int assuranceLevel, String jti,
        String sid, long expiresAtMillis, long issuedAtMillis) {

    public CitizenToken {
        scopes = Set.copyOf(scopes);
    }
}
