package org.civicstack.platform.security;

import java.net.URI;

import org.springframework.security.oauth2.client.AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.reactive.function.client.ServerOAuth2AuthorizedClientExchangeFilterFunction;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * A WebClient that calls another platform service as this service's own platform client: client credentials at
 * identity's token endpoint ({@code client_secret_basic}), the token cached by Spring Security's OAuth2 client until
 * it expires. Payments and certificates resolve citizens through identity with it.
 */
public final class PlatformClientCredentials {

    private PlatformClientCredentials() {
    }

    public static WebClient webClient(WebClient.Builder builder, URI baseUrl, URI tokenUri, String clientId,
            String clientSecret, String scope) {
        ClientRegistration registration = ClientRegistration.withRegistrationId("platform")
                .tokenUri(tokenUri.toString())
                .clientId(clientId)
                .clientSecret(clientSecret)
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .scope(scope)
                .build();
        var registrations = new InMemoryReactiveClientRegistrationRepository(registration);
        var manager = new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(registrations,
                new InMemoryReactiveOAuth2AuthorizedClientService(registrations));
        var oauth = new ServerOAuth2AuthorizedClientExchangeFilterFunction(manager);
        oauth.setDefaultClientRegistrationId("platform");
        return builder.clone().baseUrl(baseUrl.toString()).filter(oauth).build();
    }
}
