package org.civicstack.identity.authorization;

import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;

/**
 * The stored-authorization service: client-credentials tokens in their narrow table ({@link ClientCredentialsTokens}),
 * everything else (citizen logins with their codes, refresh and ID tokens; token exchange) in the library's.
 * {@code findById} asks only the library's store: nothing looks a client-credentials authorization up by its id.
 */
final class ClientCredentialsAwareAuthorizationService implements OAuth2AuthorizationService {

    private final OAuth2AuthorizationService library;
    private final ClientCredentialsTokens clientTokens;

    ClientCredentialsAwareAuthorizationService(OAuth2AuthorizationService library, ClientCredentialsTokens clientTokens) {
        this.library = library;
        this.clientTokens = clientTokens;
    }

    @Override
    public void save(OAuth2Authorization authorization) {
        if (ClientCredentialsTokens.holds(authorization)) {
            clientTokens.save(authorization);
        } else {
            library.save(authorization);
        }
    }

    @Override
    public void remove(OAuth2Authorization authorization) {
        if (!(ClientCredentialsTokens.holds(authorization) && clientTokens.remove(authorization))) {
            library.remove(authorization);
        }
    }

    @Override
    public OAuth2Authorization findById(String id) {
        return library.findById(id);
    }

    @Override
    public OAuth2Authorization findByToken(String token, OAuth2TokenType tokenType) {
        if (tokenType == null || OAuth2TokenType.ACCESS_TOKEN.equals(tokenType)) {
            OAuth2Authorization found = clientTokens.find(token);
            if (found != null) {
                return found;
            }
        }
        return library.findByToken(token, tokenType);
    }
}
