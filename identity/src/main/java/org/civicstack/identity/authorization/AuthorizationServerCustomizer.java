package org.civicstack.identity.authorization;

import java.util.List;

import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;

/**
 * A feature's additions to the authorization server's configuration (a client authentication provider, a grant),
 * applied in bean order when the authorization server's filter chain is built. Keeps each feature's wiring in its
 * own package rather than in {@link AuthorizationServerConfiguration}.
 */
@FunctionalInterface
public interface AuthorizationServerCustomizer {

    void customize(OAuth2AuthorizationServerConfigurer server);

    /**
     * Changes to the token endpoint's authentication providers (a grant of one's own, a wrapper). The library keeps
     * ONE such consumer per endpoint, so a feature that called {@code tokenEndpoint(t -> t.authenticationProviders(…))}
     * itself would silently replace another feature's; {@link AuthorizationServerConfiguration} calls this for every
     * feature from its single consumer instead.
     */
    default void tokenEndpointProviders(List<AuthenticationProvider> providers) {
    }
}
