package org.civicstack.payments.channel.sandbox.provider;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.retry.Retry;

/**
 * Sends notifications to merchants' {@code notify_url}s as a real provider does: a JSON POST signed with the
 * provider's key over {@code id.timestamp.body} (signed afresh, with a fresh timestamp, for every delivery), re-sent
 * with exponential back-off until a 2xx acknowledges it or the attempts run out. The current
 * {@link SandboxBehaviour} decides delay, copies, reordering and dropping at the moment each notification is due.
 * Entirely non-blocking: waits are {@code Mono.delay}, deliveries share one connection pool.
 */
final class NotificationDispatcher {

    private static final Logger log = LoggerFactory.getLogger(NotificationDispatcher.class);

    private final ProviderSigner signer;
    private final Clock clock;
    private final SandboxProviderSettings settings;
    private final Supplier<SandboxBehaviour> behaviour;
    private final ConnectionProvider connections;
    private final HttpClient client;
    /** per order (merchant + out_trade_no): a notification held back while {@code reorder} is on */
    private final Map<String, Notification> held = new ConcurrentHashMap<>();
    private final Disposable.Composite inFlight = Disposables.composite();

    NotificationDispatcher(ProviderSigner signer, SandboxProviderSettings settings,
            Supplier<SandboxBehaviour> behaviour) {
        this.signer = signer;
        this.clock = settings.clock();
        this.settings = settings;
        this.behaviour = behaviour;
        this.connections = ConnectionProvider.builder("sandbox-notifications")
                .maxConnections(512)
                .pendingAcquireMaxCount(-1)
                .maxIdleTime(Duration.ofSeconds(20))
                .build();
        this.client = HttpClient.create(connections)
                .responseTimeout(settings.notifyTimeout());
    }

    /** A notification due now; {@code orderKey} groups the ones about one order for reordering. */
    record Notification(String id, String orderKey, URI notifyUrl, byte[] body) {
    }

    void submit(Notification notification) {
        SandboxBehaviour now = behaviour.get();
        if (now.drop()) {
            log.debug("dropping notification {} as the behaviour asks", notification.id());
            return;
        }
        if (!now.reorder()) {
            track(deliverAll(notification, now));
            return;
        }
        Notification earlier = held.remove(notification.orderKey());
        if (earlier != null) {
            track(deliverAll(notification, now).then(deliverAll(earlier, now)));
            return;
        }
        held.put(notification.orderKey(), notification);
        track(Mono.delay(settings.reorderWindow())
                .filter(tick -> held.remove(notification.orderKey(), notification))
                .flatMap(tick -> deliverAll(notification, behaviour.get())));
    }

    private void track(Mono<?> work) {
        Disposable[] self = new Disposable[1];
        self[0] = work.doFinally(signal -> {
            if (self[0] != null) {
                inFlight.remove(self[0]);
            }
        }).subscribe(ok -> { }, error -> log.warn("notification work failed", error));
        if (!self[0].isDisposed()) {
            inFlight.add(self[0]);
        }
    }

    /** After the delay, every copy in turn, each retried on its own. */
    private Mono<Void> deliverAll(Notification notification, SandboxBehaviour now) {
        return Mono.delay(now.notificationDelay())
                .thenMany(Flux.range(0, now.duplicates()))
                .concatMap(copy -> deliverWithRetries(notification))
                .then();
    }

    private Mono<Boolean> deliverWithRetries(Notification notification) {
        return Mono.defer(() -> deliverOnce(notification))
                .doOnError(error -> log.debug("notification {} to {} not acknowledged: {}", notification.id(),
                        notification.notifyUrl(), error.toString()))
                .retryWhen(Retry.backoff(settings.notifyMaxAttempts() - 1L, settings.retryInitialBackoff())
                        .maxBackoff(settings.retryMaxBackoff())
                        .jitter(0))
                .onErrorResume(error -> {
                    log.info("giving up notification {} to {} after {} attempts: {}", notification.id(),
                            notification.notifyUrl(), settings.notifyMaxAttempts(), error.toString());
                    return Mono.just(false);
                });
    }

    private Mono<Boolean> deliverOnce(Notification notification) {
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        String signature = signer.sign(notification.id(), timestamp, notification.body());
        return client
                .headers(headers -> headers
                        .set(HttpHeaderNames.CONTENT_TYPE, "application/json")
                        .set("Sandbox-Notification-Id", notification.id())
                        .set("Sandbox-Timestamp", timestamp)
                        .set("Sandbox-Signature", signature))
                .post()
                .uri(notification.notifyUrl())
                .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(notification.body())))
                .responseSingle((response, content) -> content.asString()
                        .defaultIfEmpty("")
                        .map(ignored -> response.status().code()))
                .timeout(settings.notifyTimeout())
                .flatMap(status -> status >= 200 && status < 300
                        ? Mono.just(true)
                        : Mono.error(new NotAcknowledged(status)));
    }

    void close() {
        inFlight.dispose();
        connections.disposeLater().block(Duration.ofSeconds(5));
    }

    private static final class NotAcknowledged extends RuntimeException {
        NotAcknowledged(int status) {
            super("answered " + status, null, false, false);
        }
    }
}
