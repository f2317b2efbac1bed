package org.civicstack.testkit;

import java.time.Duration;

import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * The one way tests talk HTTP to a service on its real port.
 *
 * <p>Every response body is read to its end and its network buffers released as it arrives, then handed to the
 * test as a heap copy. A test that only asserts a status leaves the body unread otherwise, and under the build's
 * paranoid leak detection the client's unreleased buffers are reported as leaks — noise that would hide a leak in
 * the server under test. Responses are not decompressed either: tests assert what the server sends.
 */
public final class TestClients {

    private TestClients() {
    }

    /** A client for {@code baseUrl} (e.g. {@code http://localhost:8080}) with the given per-response timeout. */
    public static WebTestClient webTestClient(String baseUrl, Duration responseTimeout) {
        return WebTestClient.bindToServer(new ReactorClientHttpConnector(HttpClient.create().compress(false)))
                .filter(readBodiesFully())
                .baseUrl(baseUrl)
                .responseTimeout(responseTimeout)
                .build();
    }

    public static WebTestClient webTestClient(String baseUrl) {
        return webTestClient(baseUrl, Duration.ofSeconds(10));
    }

    static ExchangeFilterFunction readBodiesFully() {
        return (request, next) -> next.exchange(request).flatMap(TestClients::readFully);
    }

    private static Mono<ClientResponse> readFully(ClientResponse response) {
        return DataBufferUtils.join(response.bodyToFlux(org.springframework.core.io.buffer.DataBuffer.class))
                .map(joined -> {
                    byte[] bytes = new byte[joined.readableByteCount()];
                    joined.read(bytes);
                    DataBufferUtils.release(joined);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .map(bytes -> response.mutate()
                        .body(Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(bytes)))
                        .build());
    }
}
