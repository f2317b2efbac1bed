package org.civicstack.payments.channel.sandbox;

import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.netty.handler.codec.http.HttpResponseStatus;
import org.civicstack.payments.channel.NotificationRequest;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * The merchant's notification endpoint in tests: a real HTTP server that keeps every delivery exactly as it arrived
 * (headers, raw body) and answers each with the next scripted status, 204 when the script is empty.
 */
final class NotificationReceiver implements AutoCloseable {

    private final BlockingQueue<NotificationRequest> received = new LinkedBlockingQueue<>();
    private final Deque<Integer> script = new ConcurrentLinkedDeque<>();
    private final AtomicInteger count = new AtomicInteger();
    private final DisposableServer server;

    NotificationReceiver() {
        server = HttpServer.create()
                .host("127.0.0.1")
                .port(0)
                .handle((request, response) -> request.receive().aggregate().asByteArray()
                        .defaultIfEmpty(new byte[0])
                        .flatMap(body -> {
                            Map<String, String> headers = new java.util.HashMap<>();
                            request.requestHeaders().forEach(entry -> headers.putIfAbsent(entry.getKey(),
                                    entry.getValue()));
                            received.add(new NotificationRequest(headers, body,
                                    request.requestHeaders().get("Content-Type")));
                            count.incrementAndGet();
                            Integer status = script.poll();
                            return response.status(HttpResponseStatus.valueOf(status == null ? 204 : status))
                                    .send()
                                    .then();
                        }))
                .bindNow();
    }

    URI url(String accountId) {
        return URI.create("http://127.0.0.1:" + server.port() + "/v1/channels/sandbox/notifications/" + accountId);
    }

    /** Answer the next deliveries with these statuses, in order. */
    void answerNext(int... statuses) {
        for (int status : statuses) {
            script.add(status);
        }
    }

    NotificationRequest next(Duration wait) throws InterruptedException {
        NotificationRequest request = received.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
        if (request == null) {
            throw new AssertionError("no notification within " + wait);
        }
        return request;
    }

    /** Whatever arrives within {@code wait}. */
    List<NotificationRequest> drain(Duration wait) throws InterruptedException {
        Thread.sleep(wait.toMillis());
        List<NotificationRequest> out = new ArrayList<>();
        received.drainTo(out);
        return out;
    }

    int count() {
        return count.get();
    }

    @Override
    public void close() {
        server.disposeNow();
    }
}
