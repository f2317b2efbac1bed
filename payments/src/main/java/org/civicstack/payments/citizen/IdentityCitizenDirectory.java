package org.civicstack.payments.citizen;

import java.time.Duration;
import java.util.Map;

import org.civicstack.payments.PaymentsProperties;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.oauth2.client.AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager;
import org.springframework.security.oauth2.client.InMemoryReactiveOAuth2AuthorizedClientService;
import org.springframework.security.oauth2.client.registration.ClientRegistration;
import org.springframework.security.oauth2.client.registration.InMemoryReactiveClientRegistrationRepository;
import org.springframework.security.oauth2.client.web.reactive.function.client.ServerOAuth2AuthorizedClientExchangeFilterFunction;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;

/**
 * {@link CitizenDirectory} over identity's {@code POST /v1/identity/citizen-references/resolve}, authenticated as this
 * service's platform client (client credentials, scope {@code identity:resolve}) through Spring Security's OAuth2
 * client, which caches the access token until it expires.
 */
public final class IdentityCitizenDirectory implements CitizenDirectory {

    static final String REGISTRATION = "identity";

    private final WebClient identity;
    private final Duration timeout;

    public IdentityCitizenDirectory(WebClient.Builder builder, PaymentsProperties.Identity settings, Duration timeout) {
        ClientRegistration registration = ClientRegistration.withRegistrationId(REGISTRATION)
                .tokenUri(settings.tokenUri().toString())
                .clientId(settings.clientId())
                .clientSecret(settings.clientSecret())
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS)
                .scope("identity:resolve")
                .build();
        var registrations = new InMemoryReactiveClientRegistrationRepository(registration);
        var manager = new AuthorizedClientServiceReactiveOAuth2AuthorizedClientManager(registrations,
                new InMemoryReactiveOAuth2AuthorizedClientService(registrations));
        var oauth = new ServerOAuth2AuthorizedClientExchangeFilterFunction(manager);
        oauth.setDefaultClientRegistrationId(REGISTRATION);
        this.identity = builder.clone().baseUrl(settings.baseUrl().toString()).filter(oauth).build();
        this.timeout = timeout;
    }

    @Override
    public Mono<String> resolve(String agencyId, String pairwiseSubject) {
        return identity.post()
                .uri("/v1/identity/citizen-references/resolve")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("agency_id", agencyId, "subject", pairwiseSubject))
                .retrieve()
                .bodyToMono(Map.class)
                .map(body -> String.valueOf(body.get("citizen_ref")))
                .timeout(timeout)
                .onErrorResume(WebClientResponseException.class, e -> e.getStatusCode() == HttpStatus.NOT_FOUND
                        || e.getStatusCode() == HttpStatus.BAD_REQUEST ? Mono.empty() : Mono.error(e));
    }
}
