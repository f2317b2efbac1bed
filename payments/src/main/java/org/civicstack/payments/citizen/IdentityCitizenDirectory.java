package org.civicstack.payments.citizen;

import java.time.Duration;
import java.util.Map;

import org.civicstack.payments.PaymentsProperties;
import org.civicstack.platform.security.PlatformClientCredentials;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientResponseException;
import reactor.core.publisher.Mono;

/**
 * {@link CitizenDirectory} over identity's {@code POST /v1/identity/citizen-references/resolve}, authenticated as this
 * service's platform client (client credentials, scope {@code identity:resolve}) through Spring Security's OAuth2
 * client, which caches the access token until it expires.
 */
public final class IdentityCitizenDirectory implements CitizenDirectory {

    private final WebClient identity;
    private final Duration timeout;

    public IdentityCitizenDirectory(WebClient.Builder builder, PaymentsProperties.Identity settings, Duration timeout) {
        this.identity = PlatformClientCredentials.webClient(builder, settings.baseUrl(), settings.tokenUri(),
                settings.clientId(), settings.clientSecret(), "identity:resolve");
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
