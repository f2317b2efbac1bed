package org.civicstack.platform.security;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How a service validates access tokens ({@code civicstack.security.*}). Tokens are JWTs issued by identity and
 * verified locally against its JWKS; nothing is accepted unsigned, expired, from another issuer or for another
 * audience.
 *
 * @param jwksUri identity's JWKS endpoint, e.g. {@code http://localhost:8081/oauth2/jwks}
 * @param issuer the {@code iss} every token must carry (identity's public issuer, e.g. {@code http://localhost:8080})
 * @param audience the {@code aud} every token must contain
 * @param publicPaths path patterns reachable without a token, besides health, metrics and API docs
 */
@Validated
@ConfigurationProperties("civicstack.security")
public record SecurityProperties(@NotNull URI jwksUri, @NotBlank String issuer, @NotBlank String audience,
        List<String> publicPaths) {

    /** Reachable without a token on every service: probes, metrics and the API documents. */
    static final List<String> ALWAYS_PUBLIC = List.of("/actuator/health/**", "/actuator/info", "/actuator/prometheus",
            "/v3/api-docs/**", "/swagger-ui/**", "/swagger-ui.html", "/webjars/**");

    public SecurityProperties {
        publicPaths = publicPaths == null ? List.of() : List.copyOf(publicPaths);
    }

    /**
     * Every path pattern the resource server lets through without a token (the service's public paths and those
     * open everywhere); the security filter chain and the OpenAPI document's {@code security} both read this.
     */
    public List<String> openPaths() {
        List<String> open = new ArrayList<>(ALWAYS_PUBLIC);
        open.addAll(publicPaths);
        return List.copyOf(open);
    }
}
