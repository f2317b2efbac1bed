package org.civicstack.payments.webhook;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.random.RandomGenerator;

import io.micrometer.core.instrument.MeterRegistry;
import org.civicstack.payments.merchant.MerchantStore;
import org.civicstack.payments.webhook.WebhookEventStore.Claim;
import org.civicstack.payments.webhook.WebhookEventStore.Delivery;
import org.civicstack.payments.webhook.WebhookEventStore.Outcome;
import org.civicstack.platform.net.GuardedAddressResolverGroup;
import org.civicstack.platform.net.UnsafeUpstreamException;
import org.civicstack.platform.net.UpstreamAddressGuard;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;

/**
 * Delivers the agency webhook events the {@link WebhookOutbox} recorded: signed POSTs of the event JSON to the
 * agency's webhook URL, retried with back-off until they succeed or the give-up age passes.
 *
 * <p>What agencies may rely on:
 * <ul>
 * <li><b>At least once.</b> An event is delivered until the agency answers 2xx, and may arrive more than once (a
 * dispatcher that dies after the POST and before recording it, a redelivery): receivers deduplicate on
 * {@code webhook-id}.</li>
 * <li><b>Order.</b> At most {@code max-concurrent-per-agency} attempts are in flight for an agency, over every
 * instance; with the default 1 an agency's due events are sent one at a time, oldest first. An event waiting for
 * its retry does not hold back newer ones, so after a failure events can arrive out of order: the payload's
 * {@code created_at} gives the order.</li>
 * <li><b>No agency delays another.</b> Each attempt has its own timeout, an agency's attempts in flight are bounded,
 * and the dispatcher claims again whenever a delivery finishes or the poll interval passes, without waiting for
 * the other deliveries of a batch: a hanging endpoint holds only its own agency's slots.</li>
 * <li><b>No URL, no loss.</b> The events of an agency without a webhook URL stay pending, untried, and are
 * delivered once it sets one; their retry window opens with their first attempt.</li>
 * </ul>
 *
 * <p>Instances coordinate through PostgreSQL only: a claim (a short transaction, {@code FOR UPDATE SKIP LOCKED})
 * pushes an event's {@code next_attempt_at} forward by the lease, so no other instance tries it meanwhile; the
 * outcome is recorded under the attempt number claimed. Redirects are not followed (the stored URL is the one the
 * upstream check accepted when the agency set it).
 */
@Component
public class WebhookDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(WebhookDispatcher.class);
    static final int SNIPPET_BYTES = 1024;
    static final String USER_AGENT = "CivicStack-Webhooks/1";

    private final WebhookEventStore events;
    private final MerchantStore merchants;
    private final WebClient http;
    private final WebhookProperties properties;
    private final Clock clock;
    private final RetrySchedule retries;
    private final DeliveryMetrics metrics;

    private final AtomicInteger inFlight = new AtomicInteger();
    private final Sinks.Many<Boolean> wake = Sinks.many().multicast().directBestEffort();
    private volatile Disposable.Composite deliveries = Disposables.composite();
    private volatile Disposable polling;

    public WebhookDispatcher(WebhookEventStore events, MerchantStore merchants, WebClient.Builder webClients,
            WebhookProperties properties, Clock clock, MeterRegistry meters, UpstreamAddressGuard guard) {
        this.events = events;
        this.merchants = merchants;
        // every address a delivery connects to passes the SSRF policy again (the URL was checked when the agency set
        // it, but its DNS may point elsewhere now): a refused address fails the attempt before a byte is sent
        this.http = webClients.clone()
                .clientConnector(new ReactorClientHttpConnector(HttpClient.create()
                        .resolver(new GuardedAddressResolverGroup(guard, java.util.Set.of()))))
                .build();
        this.properties = properties;
        this.clock = clock;
        this.retries = RetrySchedule.of(properties,
                // not RandomGenerator.getDefault(): its service lookup fails in the all-in-one run's isolated class
                // loaders; ThreadLocalRandom is safe from every delivery thread
                (RandomGenerator) () -> java.util.concurrent.ThreadLocalRandom.current().nextLong());
        this.metrics = new DeliveryMetrics(meters, clock);
    }

    @Override
    public void start() {
        if (polling != null) {
            return;
        }
        polling = Flux.merge(Flux.interval(Duration.ZERO, properties.pollInterval()).map(tick -> true), wake.asFlux())
                .onBackpressureDrop()
                .concatMap(tick -> pollOnce().onErrorResume(this::pollFailed), 1)
                .subscribe();
    }

    @Override
    public void stop() {
        Disposable current = polling;
        polling = null;
        if (current != null) {
            current.dispose();
        }
        cancelDeliveries();
    }

    /** Stops claiming at once; lets attempts in flight finish for up to the attempt timeout, then cancels them. */
    @Override
    public void stop(Runnable callback) {
        Disposable current = polling;
        polling = null;
        if (current != null) {
            current.dispose();
        }
        Mono.delay(Duration.ofMillis(20))
                .repeat()
                .takeUntil(tick -> inFlight.get() == 0)
                .take(properties.attemptTimeout().plusSeconds(1))
                .then()
                .doFinally(signal -> {
                    cancelDeliveries();
                    callback.run();
                })
                .subscribe();
    }

    /** Cancels the attempts in flight (their leases run out and they are retried); a later start begins afresh. */
    private void cancelDeliveries() {
        Disposable.Composite current = deliveries;
        deliveries = Disposables.composite();
        current.dispose();
    }

    @Override
    public boolean isRunning() {
        return polling != null;
    }

    @Override
    public boolean isAutoStartup() {
        return properties.enabled();
    }

    /** Claims what this instance has room for and starts each attempt on its own; completes once claimed. */
    Mono<Void> pollOnce() {
        Instant now = clock.instant();
        Mono<Void> gauge = events.oldestPending()
                .map(Optional::of)
                .defaultIfEmpty(Optional.empty())
                .doOnNext(oldest -> metrics.oldestPending(oldest.orElse(null)))
                .then();
        int room = properties.maxConcurrent() - inFlight.get();
        if (room <= 0) {
            return gauge;
        }
        return events.claim(now, properties.lease(), Math.min(room, properties.batchSize()),
                        properties.maxConcurrentPerAgency())
                .doOnNext(this::startAttempt)
                .then(gauge);
    }

    private Mono<Void> pollFailed(Throwable error) {
        log.warn("Webhook dispatcher poll failed; retrying at the next poll", error);
        return Mono.empty();
    }

    private void startAttempt(Claim claim) {
        inFlight.incrementAndGet();
        Disposable[] self = new Disposable[1];
        Disposable.Composite tracked = deliveries;
        self[0] = attempt(claim)
                .onErrorResume(error -> {
                    log.warn("Recording webhook attempt {} of {} failed; it is retried when its lease runs out",
                            claim.attempt(), claim.eventId(), error);
                    return Mono.empty();
                })
                .doFinally(signal -> {
                    inFlight.decrementAndGet();
                    if (self[0] != null) {
                        tracked.remove(self[0]);
                    }
                    wake.tryEmitNext(true);
                })
                .subscribe();
        if (!self[0].isDisposed()) {
            tracked.add(self[0]);
        }
    }

    /** One attempt: sign, POST, log it and record the event's outcome. */
    Mono<Void> attempt(Claim claim) {
        Instant at = clock.instant();
        long started = System.nanoTime();
        return merchants.signingSecrets(claim.agencyId(), at)
                .collectList()
                .flatMap(secrets -> secrets.isEmpty() ? Mono.just(Result.failure("no_signing_secret", null))
                        : post(claim, secrets, at))
                .flatMap(result -> record(claim, result, at, Duration.ofNanos(System.nanoTime() - started)));
    }

    private Mono<Result> post(Claim claim, List<MerchantStore.WebhookSecret> secrets, Instant at) {
        long timestamp = at.getEpochSecond();
        String signature = WebhookSigner.signatureHeader(secrets, claim.eventId(), timestamp, claim.body());
        return http.post()
                .uri(URI.create(claim.url()))
                .contentType(MediaType.APPLICATION_JSON)
                .header("user-agent", USER_AGENT)
                .header("webhook-id", claim.eventId())
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", signature)
                .bodyValue(claim.body().getBytes(StandardCharsets.UTF_8))
                .exchangeToMono(this::result)
                .timeout(properties.attemptTimeout())
                .onErrorResume(TimeoutException.class, e -> Mono.just(Result.failure("timeout",
                        "no response within " + properties.attemptTimeout().toMillis() + " ms")))
                .onErrorResume(WebClientRequestException.class, e -> Mono.just(Result.failure(
                        unsafe(e) ? "unsafe_address" : "connection_error", rootMessage(e))))
                .onErrorResume(IllegalArgumentException.class, e -> Mono.just(Result.failure("invalid_url",
                        e.getMessage())));
    }

    private static boolean unsafe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnsafeUpstreamException) {
                return true;
            }
        }
        return false;
    }

    private Mono<Result> result(ClientResponse response) {
        int status = response.statusCode().value();
        return response.body(BodyExtractors.toDataBuffers())
                .reduceWith(Snippet::new, Snippet::append)
                .map(snippet -> Result.response(status, snippet.text()));
    }

    private Mono<Void> record(Claim claim, Result result, Instant at, Duration took) {
        Instant end = at.plus(took);
        Outcome outcome;
        Instant next = null;
        if (result.delivered()) {
            outcome = Outcome.DELIVERED;
        } else if (retries.exhausted(claim.retryWindowFrom(), end)) {
            outcome = Outcome.GAVE_UP;
        } else {
            outcome = Outcome.RETRYING;
            next = end.plus(retries.delayAfter(claim.attempt()));
        }
        Delivery delivery = new Delivery(claim.attempt(), at, claim.url(), result.httpStatus(), result.error(),
                (int) Math.min(Integer.MAX_VALUE, took.toMillis()), result.snippet());
        metrics.attempt(outcome, result.kind(), took);
        if (outcome == Outcome.GAVE_UP) {
            log.warn("Webhook {} of agency {} failed: {} attempts, none answered 2xx within {}", claim.eventId(),
                    claim.agencyId(), claim.attempt(), properties.giveUpAfter());
        }
        return events.complete(claim, delivery, outcome, next)
                .doOnNext(recorded -> {
                    if (!recorded) {
                        log.info("Webhook {} attempt {} finished after its lease passed to a newer attempt",
                                claim.eventId(), claim.attempt());
                    }
                })
                .then();
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.length() > 300 ? message.substring(0, 300) : message;
    }

    /**
     * What an attempt came to.
     *
     * @param kind the metric's {@code result} tag
     */
    record Result(Integer httpStatus, String error, String snippet, String kind) {

        static Result response(int status, String snippet) {
            String kind = status >= 200 && status < 300 ? "2xx" : status >= 400 && status < 500 ? "4xx"
                    : status >= 500 && status < 600 ? "5xx" : "other_status";
            return new Result(status, "2xx".equals(kind) ? null : "http_" + status, snippet, kind);
        }

        static Result failure(String kind, String detail) {
            return new Result(null, detail == null ? kind : kind + ": " + detail, null, kind);
        }

        boolean delivered() {
            return httpStatus != null && httpStatus >= 200 && httpStatus < 300;
        }
    }

    /** The first {@value #SNIPPET_BYTES} bytes of a response body; the rest is read and released unseen. */
    static final class Snippet {
        private final byte[] bytes = new byte[SNIPPET_BYTES];
        private int length;

        Snippet append(DataBuffer buffer) {
            try {
                int take = Math.min(buffer.readableByteCount(), SNIPPET_BYTES - length);
                if (take > 0) {
                    buffer.read(bytes, length, take);
                    length += take;
                }
                return this;
            } finally {
                DataBufferUtils.release(buffer);
            }
        }

        /** As text, without NUL (which PostgreSQL text cannot hold) and never longer than the limit in UTF-8. */
        String text() {
            if (length == 0) {
                return null;
            }
            String text = new String(bytes, 0, length, StandardCharsets.UTF_8).replace("\u0000", "");
            while (text.getBytes(StandardCharsets.UTF_8).length > SNIPPET_BYTES) {
                text = text.substring(0, text.length() - 1);
            }
            return text;
        }
    }
}
