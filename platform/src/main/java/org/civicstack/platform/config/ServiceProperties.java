package org.civicstack.platform.config;

import java.util.Map;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How a service presents itself ({@code civicstack.service.*}), e.g. in its OpenAPI document.
 *
 * @param title human name of the service, the OpenAPI {@code info.title}.
 * @param description one sentence on what the service owns, the OpenAPI {@code info.description}.
 * @param scopes the OAuth scopes its API checks, each with what it allows: the scopes of the document's
 *        {@code oauth2} security scheme (YAML keys with a colon in brackets: {@code "[registry:read]"})
 */
@Validated
@ConfigurationProperties("civicstack.service")
public record ServiceProperties(@NotBlank String title, @NotBlank String description, Map<String, String> scopes) {

    public ServiceProperties {
        scopes = scopes == null ? Map.of() : Map.copyOf(scopes);
    }
}
