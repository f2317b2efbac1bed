package org.civicstack.gateway.routing;

import java.time.Duration;

import io.netty.channel.ChannelOption;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.netty.http.client.HttpClient;

/** WebClients the gateway itself uses to talk to platform services (health, docs), always with timeouts. */
public final class UpstreamClients {

    private UpstreamClients() {
    }

    public static WebClient create(GatewayProperties.Upstream upstream) {
        HttpClient http = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) upstream.connectTimeout().toMillis())
                .responseTimeout(upstream.responseTimeout())
                .followRedirect(false);
        return WebClient.builder()
                .baseUrl(upstream.uri().toString())
                .clientConnector(new ReactorClientHttpConnector(http))
                .codecs(c -> c.defaultCodecs().maxInMemorySize(8 * 1024 * 1024))
                .build();
    }

    public static Duration overall(GatewayProperties.Upstream upstream) {
        return upstream.connectTimeout().plus(upstream.responseTimeout());
    }
}
