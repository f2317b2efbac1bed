package org.civicstack.platform.config;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How a service presents itself ({@code civicstack.service.*}), e.g. in its OpenAPI document.
 *
 * @param title human name of the service, the OpenAPI {@code info.title}.
 * @param description one sentence on what the service owns, the OpenAPI {@code info.description}.
 */
@Validated
@ConfigurationProperties("civicstack.service")
public record ServiceProperties(@NotBlank String title, @NotBlank String description) {
}
