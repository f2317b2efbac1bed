package org.civicstack.payments.channel.sandbox;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.function.UnaryOperator;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.http.server.HttpServer;

/**
 * A man in the middle between the adapter and the provider: forwards each request unchanged and rewrites the
 * answer's body (and, if asked, its signed timestamp header) before the adapter sees it.
 */
final class TamperingProxy implements AutoCloseable {

    private final DisposableServer server;

    TamperingProxy(URI target, UnaryOperator<String> body, String replacementTimestamp) {
        HttpClient client = HttpClient.create().baseUrl(target.toString());
        server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .handle((request, response) -> request.receive().aggregate().asByteArray()
                        .defaultIfEmpty(new byte[0])
                        .flatMap(requestBody -> client
                                .headers(headers -> request.requestHeaders().forEach(entry -> {
                                    if (entry.getKey().toLowerCase().startsWith("sandbox-")
                                            || entry.getKey().equalsIgnoreCase("content-type")) {
                                        headers.add(entry.getKey(), entry.getValue());
                                    }
                                }))
                                .request(HttpMethod.valueOf(request.method().name()))
                                .uri(request.uri())
                                .send(Mono.just(Unpooled.wrappedBuffer(requestBody)))
                                .responseSingle((upstream, content) -> content.asString(StandardCharsets.UTF_8)
                                        .defaultIfEmpty("")
                                        .map(text -> {
                                            byte[] rewritten = body.apply(text).getBytes(StandardCharsets.UTF_8);
                                            response.status(upstream.status());
                                            upstream.responseHeaders().forEach(entry -> {
                                                if (!entry.getKey().equalsIgnoreCase("content-length")) {
                                                    response.header(entry.getKey(), entry.getValue());
                                                }
                                            });
                                            if (replacementTimestamp != null) {
                                                response.header("Sandbox-Timestamp", replacementTimestamp);
                                            }
                                            response.header(HttpHeaderNames.CONTENT_LENGTH,
                                                    Integer.toString(rewritten.length));
                                            return rewritten;
                                        })))
                        .flatMap(bytes -> response.sendByteArray(Mono.just(bytes)).then()))
                .bindNow();
    }

    URI baseUri() {
        return URI.create("http://127.0.0.1:" + server.port());
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
