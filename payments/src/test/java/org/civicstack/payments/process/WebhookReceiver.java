package org.civicstack.payments.process;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import com.sun.net.httpserver.HttpServer;

/** An agency's webhook endpoint on loopback ({@code /hooks}): 503 while {@link #failing}, else 204; logs deliveries. */
public final class WebhookReceiver {

    /** One delivery: its {@code webhook-id}, body, the status answered and when it arrived ({@link System#nanoTime}). */
    public record Delivery(String webhookId, String body, int answered, long atNanos) {
    }

    public final AtomicBoolean failing = new AtomicBoolean();
    private final HttpServer server;
    private final List<Delivery> deliveries = new CopyOnWriteArrayList<>();

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    public static WebhookReceiver start() throws IOException {
        WebhookReceiver receiver = new WebhookReceiver(HttpServer.create(
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512));
        receiver.server.setExecutor(Executors.newFixedThreadPool(8));
        receiver.server.createContext("/hooks", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = receiver.failing.get() ? 503 : 204;
            receiver.deliveries.add(new Delivery(exchange.getRequestHeaders().getFirst("webhook-id"), body, status,
                    System.nanoTime()));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        receiver.server.start();
        return receiver;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port() + "/hooks";
    }

    public List<Delivery> deliveries() {
        return List.copyOf(deliveries);
    }

    /** Acknowledged deliveries of a {@code payment.succeeded} event for this payment. */
    public long acknowledgedFor(String payment) {
        return deliveries.stream().filter(d -> d.answered() == 204 && d.body().contains("\"payment.succeeded\"")
                && d.body().contains("\"" + payment + "\"")).count();
    }

    /** Refused deliveries of any event naming this payment. */
    public long refusedFor(String payment) {
        return deliveries.stream().filter(d -> d.answered() == 503 && d.body().contains("\"" + payment + "\"")).count();
    }

    public void stop() {
        server.stop(0);
    }
}
