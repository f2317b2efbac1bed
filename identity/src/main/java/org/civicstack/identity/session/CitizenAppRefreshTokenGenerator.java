package org.civicstack.identity.session;

import java.time.Instant;
import java.util.Base64;

import org.civicstack.identity.clients.ClientType;
import org.civicstack.identity.clients.PlatformClientSettings;
import org.springframework.security.crypto.keygen.Base64StringKeyGenerator;
import org.springframework.security.crypto.keygen.StringKeyGenerator;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenContext;
import org.springframework.security.oauth2.server.authorization.token.OAuth2TokenGenerator;

/**
 * Refresh tokens for the citizen app. Spring Authorization Server's own generator issues none to a public client
 * at the authorization code grant; this one does, for {@code citizen_app} clients only, with the configured
 * lifetime (96 random bytes, base64url, like SAS's). It answers {@code null} for every other request so the
 * delegating generator falls through to the library's.
 */
public final class CitizenAppRefreshTokenGenerator implements OAuth2TokenGenerator<OAuth2RefreshToken> {

    private final StringKeyGenerator keys = new Base64StringKeyGenerator(Base64.getUrlEncoder().withoutPadding(), 96);
    private final SessionProperties properties;

    public CitizenAppRefreshTokenGenerator(SessionProperties properties) {
        this.properties = properties;
    }

    @Override
    public OAuth2RefreshToken generate(OAuth2TokenContext context) {
        if (!OAuth2TokenType.REFRESH_TOKEN.equals(context.getTokenType())
                || PlatformClientSettings.clientType(context.getRegisteredClient())
                        .filter(ClientType.CITIZEN_APP::equals).isEmpty()) {
            return null;
        }
        Instant issuedAt = Instant.now();
        return new OAuth2RefreshToken(keys.generateKey(), issuedAt, issuedAt.plus(properties.refreshTokenTtl()));
    }
}
