package org.civicstack.identity.authorization;

import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;

/**
 * A feature's additions to the authorization server's configuration (a client authentication provider, a grant),
 * applied in bean order when the authorization server's filter chain is built. Keeps each feature's wiring in its
 * own package rather than in {@link AuthorizationServerConfiguration}.
 */
@FunctionalInterface
public interface AuthorizationServerCustomizer {

    void customize(OAuth2AuthorizationServerConfigurer server);
}
