package org.civicstack.platform.config;

import java.net.URI;

import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where clients reach the platform ({@code civicstack.public-url}, env {@code CIVICSTACK_PUBLIC_URL}).
 *
 * @param publicUrl the gateway's public base URL, e.g. {@code https://api.city.example}: the {@code servers} entry
 *        of every OpenAPI document and the prefix of the OAuth URLs in it. Defaults to the token issuer
 *        ({@code civicstack.security.issuer}, else {@code civicstack.identity.issuer}), which is that same address,
 *        else {@code http://localhost:8080}.
 */
@Validated
@ConfigurationProperties("civicstack")
public record PublicApiProperties(@NotNull URI publicUrl) {

    /** The base URL without a trailing slash, so paths can be appended. */
    public String base() {
        String url = publicUrl.toString();
        while (url.endsWith("/")) {
            url = url.substring(0, url.length() - 1);
        }
        return url;
    }
}
