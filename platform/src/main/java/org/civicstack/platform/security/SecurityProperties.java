package org.civicstack.platform.security;

import java.net.URI;
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

    public SecurityProperties {
        publicPaths = publicPaths == null ? List.of() : List.copyOf(publicPaths);
    }
}
