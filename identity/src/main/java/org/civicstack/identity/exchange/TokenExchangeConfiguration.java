package org.civicstack.identity.exchange;

import java.time.Clock;
import java.util.List;

import org.civicstack.identity.authorization.AuthorizationServerCustomizer;
import org.civicstack.identity.citizen.CitizenAccounts;
import org.civicstack.identity.events.TokenEvents;
import org.civicstack.identity.keys.KeySeries;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.civicstack.identity.pairwise.PairwiseSubjects;
import org.civicstack.identity.session.CitizenSessions;
import org.springframework.context.annotation.Bean;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.config.annotation.web.configurers.oauth2.server.authorization.OAuth2AuthorizationServerConfigurer;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.jose.jws.JwsAlgorithm;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2TokenExchangeAuthenticationProvider;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;
import tools.jackson.databind.json.JsonMapper;

/**
 * Puts {@link GatewayTokenExchangeProvider} in the place of Spring Authorization Server's own token exchange
 * provider, and the exchange's RFC 8693 response on the token endpoint.
 */
@Configuration(proxyBeanMethods = false)
class TokenExchangeConfiguration {

    @Bean
    AuthorizationServerCustomizer gatewayTokenExchange(OAuth2AuthorizationService authorizations,
            CitizenSessions sessions, CitizenAccounts citizens, PairwiseSubjects pairwise,
            JwtEncoder encoder, TokenEvents events,
            TokenExchangeProperties properties, AuthorizationServerSettings settings, JsonMapper json) {
        // agencies verify PS256 with stock libraries; the rotating encoder writes that series' current kid (package keys)
        JwsAlgorithm algorithm = KeySeries.AGENCY_ASSERTIONS.jwsAlgorithm();
        GatewayTokenExchangeProvider provider = new GatewayTokenExchangeProvider(authorizations, sessions, citizens,
                citizens, pairwise, encoder, algorithm, events, properties, settings.getIssuer(),
                Clock.systemUTC());
        TokenExchangeResponseHandler responses = new TokenExchangeResponseHandler(json);
        return new AuthorizationServerCustomizer() {
            @Override
            public void customize(OAuth2AuthorizationServerConfigurer server) {
                server.tokenEndpoint(token -> token.accessTokenResponseHandler(responses));
            }

            @Override
            public void tokenEndpointProviders(List<AuthenticationProvider> providers) {
                providers.removeIf(existing -> existing instanceof OAuth2TokenExchangeAuthenticationProvider);
                providers.add(provider);
            }
        };
    }
}
