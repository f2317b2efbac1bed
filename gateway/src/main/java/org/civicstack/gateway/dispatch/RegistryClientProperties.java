package org.civicstack.gateway.dispatch;

import java.net.URI;
import java.time.Duration;

import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * How the gateway reads the routing table ({@code civicstack.gateway.routing.*}). It authenticates to the registry
 * as an OAuth client (client credentials, scope {@code registry:routing}).
 *
 * @param tokenUri identity's token endpoint
 * @param clientId the gateway's OAuth client id
 * @param clientSecret its secret (from a secret store in production); required when routing is enabled
 * @param pollInterval how often the change stream is read; bounds how fast a change takes effect
 * @param retryInterval wait between attempts while the registry or Redis is unreachable
 */
@Validated
@ConfigurationProperties("civicstack.gateway.routing")
public record RegistryClientProperties(@NotNull URI tokenUri, @NotBlank String clientId, String clientSecret,
        @NotNull Duration pollInterval, @NotNull Duration retryInterval) {
}
