package org.civicstack.gateway.routing;

import java.net.URI;
import java.time.Duration;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * Where the platform services are ({@code civicstack.gateway.*}).
 *
 * @param upstreams one entry per {@link PlatformService#id()}: its base URI and timeouts.
 */
@Validated
@ConfigurationProperties("civicstack.gateway")
public record GatewayProperties(@NotEmpty Map<String, @Valid Upstream> upstreams) {

    /**
     * @param uri base URI of the service, e.g. {@code http://localhost:8083}.
     * @param connectTimeout how long to wait for a TCP connection to the service.
     * @param responseTimeout how long to wait for the service's response before answering 504.
     */
    public record Upstream(@NotNull URI uri, @NotNull Duration connectTimeout, @NotNull Duration responseTimeout) {
    }

    public Upstream upstream(PlatformService service) {
        Upstream upstream = upstreams.get(service.id());
        if (upstream == null) {
            throw new IllegalStateException("civicstack.gateway.upstreams." + service.id() + ".uri is not configured");
        }
        return upstream;
    }
}
