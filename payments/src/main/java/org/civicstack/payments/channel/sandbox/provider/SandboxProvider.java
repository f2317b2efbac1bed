package org.civicstack.payments.channel.sandbox.provider;

import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import org.civicstack.payments.channel.sandbox.provider.NotificationDispatcher.Notification;
import org.civicstack.payments.channel.sandbox.provider.SandboxBehaviour.Fault;
import org.civicstack.payments.channel.sandbox.provider.SandboxBehaviour.FaultKind;
import org.civicstack.payments.channel.sandbox.provider.SandboxBehaviour.Operation;
import org.civicstack.payments.channel.sandbox.provider.SandboxLedger.Merchant;
import org.civicstack.payments.channel.sandbox.provider.SandboxLedger.NewOrder;
import org.civicstack.payments.channel.sandbox.provider.SandboxLedger.NewRefund;
import org.civicstack.payments.channel.sandbox.provider.SandboxLedger.OrderView;
import org.civicstack.payments.channel.sandbox.provider.SandboxLedger.PayOutcome;
import org.civicstack.payments.channel.sandbox.provider.SandboxLedger.RefundOutcome;
import org.civicstack.payments.channel.sandbox.provider.SandboxLedger.RefundView;
import org.civicstack.payments.channel.sandbox.provider.SandboxLedger.StatementRow;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A fake payment provider that behaves like a real one over HTTP, for the all-in-one run and the end-to-end tests:
 * its own process-independent server (Reactor Netty, no Spring context), its own Ed25519 key, merchants with API
 * keys, HMAC-authenticated merchant calls with signed answers, signed asynchronous notifications with retries, a
 * daily statement with fees, and failures on demand. The protocol is described in
 * {@code docs/sandbox-payment-provider.md}; {@code SandboxChannel} is the payment module's client of it.
 *
 * <p><b>State is in memory only</b> ({@link SandboxLedger}): stopping the provider forgets every merchant, order
 * and refund. It can run inside a test JVM ({@link #start}) or as its own process ({@link #main}), which is how a
 * test can kill the payments process while the provider keeps its books and keeps notifying.
 *
 * <p>Everything is non-blocking: handlers do in-memory work on the event loop, waits are {@code Mono.delay}.
 */
public final class SandboxProvider implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SandboxProvider.class);
    private static final byte[] EMPTY = new byte[0];
    private static final String JSON = "application/json";

    private static final Set<String> ORDER_MEMBERS =
            Set.of("out_trade_no", "amount", "currency", "description", "expires_at", "notify_url");
    private static final Set<String> REFUND_MEMBERS =
            Set.of("out_trade_no", "out_refund_no", "amount", "reason", "notify_url");
    private static final Set<String> PAY_MEMBERS = Set.of("outcome");
    private static final Set<String> BEHAVIOUR_MEMBERS = Set.of("reset", "notification_delay_ms", "duplicates",
            "reorder", "drop", "refund_delay_ms", "faults");
    private static final Set<String> FAULT_MEMBERS = Set.of("kind", "count");

    private final SandboxProviderSettings settings;
    private final JsonMapper json = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();
    private final SandboxLedger ledger;
    private final ProviderSigner signer = new ProviderSigner();
    private final RequestAuthenticator authenticator;
    private final NotificationDispatcher notifications;
    /** delays, copies, order, drop, refund delay; its {@code faults} are kept live in {@link #faults} instead */
    private final AtomicReference<SandboxBehaviour> behaviour = new AtomicReference<>();
    private final Map<Operation, Fault> faults = new ConcurrentHashMap<>();
    private final Disposable nonceSweeper;
    private final Disposable.Composite timers = Disposables.composite();
    private DisposableServer server;
    private URI baseUri;

    private SandboxProvider(SandboxProviderSettings settings) {
        this.settings = settings;
        this.ledger = new SandboxLedger(settings.clock(), settings.feeRate());
        this.authenticator = new RequestAuthenticator(ledger, settings.clock());
        behave(settings.behaviour());
        this.notifications = new NotificationDispatcher(signer, settings, this::currentBehaviour);
        this.nonceSweeper = Flux.interval(Duration.ofSeconds(10)).subscribe(tick -> authenticator.forgetOldNonces());
    }

    /** Start a provider; returns once it accepts connections. */
    public static SandboxProvider start(SandboxProviderSettings settings) {
        SandboxProvider provider = new SandboxProvider(settings);
        provider.bind();
        return provider;
    }

    private void bind() {
        server = HttpServer.create()
                .host(settings.host())
                .port(settings.port())
                .route(routes -> routes
                        .get("/v1/keys", (request, response) -> plain(request, response, this::keys))
                        .post("/v1/merchants", (request, response) -> plain(request, response, this::onboard))
                        .get("/v1/behaviour", (request, response) -> plain(request, response, this::showBehaviour))
                        .post("/v1/behaviour", (request, response) -> plain(request, response, this::changeBehaviour))
                        .post("/v1/orders", (request, response) ->
                                merchantCall(request, response, Operation.CREATE_ORDER, this::createOrder))
                        .get("/v1/orders/{outTradeNo}", (request, response) ->
                                merchantCall(request, response, Operation.QUERY_ORDER, this::queryOrder))
                        .post("/v1/orders/{outTradeNo}/close", (request, response) ->
                                merchantCall(request, response, Operation.CLOSE_ORDER, this::closeOrder))
                        .post("/v1/refunds", (request, response) ->
                                merchantCall(request, response, Operation.CREATE_REFUND, this::createRefund))
                        .get("/v1/refunds/{outRefundNo}", (request, response) ->
                                merchantCall(request, response, Operation.QUERY_REFUND, this::queryRefund))
                        .get("/v1/statements/{day}", (request, response) ->
                                merchantCall(request, response, Operation.STATEMENT, this::statement))
                        .get("/v1/checkout/{orderId}", (request, response) -> plain(request, response, this::checkout))
                        .post("/v1/checkout/{orderId}/pay", (request, response) -> plain(request, response, this::pay)))
                .bindNow(Duration.ofSeconds(10));
        String host = "0.0.0.0".equals(settings.host()) || "::".equals(settings.host()) ? "127.0.0.1" : settings.host();
        baseUri = URI.create("http://" + host + ":" + server.port());
        log.info("sandbox payment provider listening on {}", baseUri);
    }

    public int port() {
        return server.port();
    }

    /** Where merchants (and {@code SandboxChannel}) call this provider. */
    public URI baseUri() {
        return baseUri;
    }

    /** Base64 of the X.509 SubjectPublicKeyInfo of the key this provider signs answers and notifications with. */
    public String publicKey() {
        return signer.publicKey();
    }

    /** The behaviour now, with the faults still to be served. */
    public SandboxBehaviour currentBehaviour() {
        SandboxBehaviour base = behaviour.get();
        return new SandboxBehaviour(base.notificationDelay(), base.duplicates(), base.reorder(), base.drop(),
                base.refundDelay(), Map.copyOf(faults));
    }

    /** Replace the behaviour, faults included (the same as {@code POST /v1/behaviour} with {@code reset}). */
    public void behave(SandboxBehaviour next) {
        behaviour.set(new SandboxBehaviour(next.notificationDelay(), next.duplicates(), next.reorder(), next.drop(),
                next.refundDelay(), Map.of()));
        faults.clear();
        next.faults().forEach(this::setFault);
    }

    private void setFault(Operation operation, Fault fault) {
        if (fault.count() == 0) {
            faults.remove(operation);
        } else {
            faults.put(operation, fault);
        }
    }

    /** The fault the next call of {@code operation} must show, if any, counting it down. */
    private FaultKind takeFault(Operation operation) {
        FaultKind[] taken = new FaultKind[1];
        faults.computeIfPresent(operation, (op, fault) -> {
            taken[0] = fault.kind();
            return fault.count() > 1 ? new Fault(fault.kind(), fault.count() - 1) : null;
        });
        return taken[0];
    }

    @Override
    public void close() {
        nonceSweeper.dispose();
        timers.dispose();
        notifications.close();
        if (server != null) {
            server.disposeNow(Duration.ofSeconds(5));
        }
    }

    // ---- plumbing -------------------------------------------------------------------------------------------------

    /** An answer before signing. */
    private record Reply(int status, String contentType, byte[] body) {
    }

    @FunctionalInterface
    private interface PlainHandler {
        Reply handle(HttpServerRequest request, byte[] body);
    }

    @FunctionalInterface
    private interface MerchantHandler {
        Reply handle(Merchant merchant, HttpServerRequest request, byte[] body);
    }

    private static Mono<byte[]> body(HttpServerRequest request) {
        return request.receive().aggregate().asByteArray().defaultIfEmpty(EMPTY);
    }

    /** Admin and checkout calls: no merchant, answers not signed. */
    private Publisher<Void> plain(HttpServerRequest request, HttpServerResponse response, PlainHandler handler) {
        return body(request)
                .map(body -> guarded(() -> handler.handle(request, body)))
                .flatMap(reply -> send(response, reply, false));
    }

    /** Merchant calls: authenticated, faulted on demand, answered signed. */
    private Publisher<Void> merchantCall(HttpServerRequest request, HttpServerResponse response, Operation operation,
            MerchantHandler handler) {
        return body(request)
                .flatMap(body -> answerMerchant(request, body, operation, handler))
                .flatMap(reply -> send(response, reply, true));
    }

    private Mono<Reply> answerMerchant(HttpServerRequest request, byte[] body, Operation operation,
            MerchantHandler handler) {
        Merchant merchant;
        try {
            merchant = authenticator.authenticate(request.requestHeaders().get("Sandbox-Merchant"),
                    request.requestHeaders().get("Sandbox-Timestamp"), request.requestHeaders().get("Sandbox-Nonce"),
                    request.requestHeaders().get("Sandbox-Signature"), request.method().name(), path(request), body);
        } catch (ProviderError refused) {
            return Mono.just(error(refused));
        }
        FaultKind fault = takeFault(operation);
        if (fault == FaultKind.BUSY) {
            return Mono.just(error(new ProviderError(503, "system_busy", "the system is busy; not processed, retry")));
        }
        Reply reply = guarded(() -> handler.handle(merchant, request, body));
        if (fault == FaultKind.ERROR) {
            return Mono.just(error(new ProviderError(500, "internal_error", "internal error")));
        }
        if (fault == FaultKind.TIMEOUT) {
            return Mono.delay(settings.faultHold()).thenReturn(reply);
        }
        return Mono.just(reply);
    }

    private Reply guarded(Supplier<Reply> work) {
        try {
            return work.get();
        } catch (ProviderError refused) {
            return error(refused);
        } catch (RuntimeException unexpected) {
            log.error("sandbox provider failed a request", unexpected);
            return error(new ProviderError(500, "internal_error", "internal error"));
        }
    }

    /** The request path as signed: the raw request target without its query. */
    private static String path(HttpServerRequest request) {
        String uri = request.uri();
        int query = uri.indexOf('?');
        return query < 0 ? uri : uri.substring(0, query);
    }

    private Mono<Void> send(HttpServerResponse response, Reply reply, boolean signed) {
        response.status(HttpResponseStatus.valueOf(reply.status()))
                .header(HttpHeaderNames.CONTENT_TYPE, reply.contentType())
                .header(HttpHeaderNames.CONTENT_LENGTH, Integer.toString(reply.body().length));
        if (signed) {
            String timestamp = Long.toString(settings.clock().instant().getEpochSecond());
            String nonce = ledger.newId("", 12);
            response.header("Sandbox-Timestamp", timestamp)
                    .header("Sandbox-Nonce", nonce)
                    .header("Sandbox-Signature", signer.sign(timestamp, nonce, reply.body()));
        }
        return response.sendByteArray(Mono.just(reply.body())).then();
    }

    private Reply ok(Object value) {
        return new Reply(200, JSON, json.writeValueAsBytes(value));
    }

    private Reply error(ProviderError error) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", error.code());
        body.put("message", error.getMessage());
        return new Reply(error.status(), JSON, json.writeValueAsBytes(body));
    }

    // ---- admin ----------------------------------------------------------------------------------------------------

    private Reply keys(HttpServerRequest request, byte[] body) {
        return ok(Map.of("algorithm", "Ed25519", "public_key", signer.publicKey()));
    }

    private Reply onboard(HttpServerRequest request, byte[] body) {
        RequestJson.parseOptional(json, body, Set.of("name"));
        Merchant merchant = ledger.onboard();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("merchant_id", merchant.id());
        out.put("api_key", Base64.getUrlEncoder().withoutPadding().encodeToString(merchant.apiKey()));
        out.put("provider_public_key", signer.publicKey());
        return ok(out);
    }

    private Reply showBehaviour(HttpServerRequest request, byte[] body) {
        return ok(behaviourJson(currentBehaviour()));
    }

    /** Members present change the behaviour; absent ones keep it; {@code reset} first restores the start settings. */
    private Reply changeBehaviour(HttpServerRequest request, byte[] body) {
        RequestJson in = RequestJson.parseOptional(json, body, BEHAVIOUR_MEMBERS);
        SandboxBehaviour next = in.optionalBoolean("reset").orElse(false) ? settings.behaviour() : currentBehaviour();
        try {
            next = next.withNotificationDelay(in.optionalNonNegative("notification_delay_ms")
                            .map(Duration::ofMillis).orElse(next.notificationDelay()))
                    .withDuplicates(in.optionalNonNegative("duplicates").map(Math::toIntExact)
                            .orElse(next.duplicates()))
                    .withReorder(in.optionalBoolean("reorder").orElse(next.reorder()))
                    .withDrop(in.optionalBoolean("drop").orElse(next.drop()))
                    .withRefundDelay(in.optionalNonNegative("refund_delay_ms")
                            .map(Duration::ofMillis).orElse(next.refundDelay()));
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw ProviderError.malformed(e.getMessage());
        }
        JsonNode faultsNode = in.member("faults").orElse(null);
        if (faultsNode != null) {
            if (!faultsNode.isObject()) {
                throw ProviderError.malformed("faults must be an object keyed by operation");
            }
            for (Map.Entry<String, JsonNode> entry : faultsNode.properties()) {
                Operation operation = Operation.fromWire(entry.getKey())
                        .orElseThrow(() -> ProviderError.malformed("unknown operation " + entry.getKey()));
                RequestJson fault = RequestJson.parse(json, json.writeValueAsBytes(entry.getValue()), FAULT_MEMBERS);
                FaultKind kind = FaultKind.fromWire(fault.text("kind", 16))
                        .orElseThrow(() -> ProviderError.malformed("fault kind must be error, timeout or busy"));
                long count = fault.optionalNonNegative("count").orElse(1L);
                next = next.withFault(operation, kind, Math.toIntExact(Math.min(count, Integer.MAX_VALUE)));
            }
        }
        behave(next);
        return ok(behaviourJson(currentBehaviour()));
    }

    private static Map<String, Object> behaviourJson(SandboxBehaviour current) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("notification_delay_ms", current.notificationDelay().toMillis());
        out.put("duplicates", current.duplicates());
        out.put("reorder", current.reorder());
        out.put("drop", current.drop());
        out.put("refund_delay_ms", current.refundDelay().toMillis());
        Map<String, Object> faultsOut = new LinkedHashMap<>();
        for (Operation operation : Operation.values()) {
            Fault fault = current.faults().get(operation);
            if (fault != null) {
                faultsOut.put(operation.wire(), Map.of("kind", fault.kind().wire(), "count", fault.count()));
            }
        }
        out.put("faults", faultsOut);
        return out;
    }

    // ---- merchant API ---------------------------------------------------------------------------------------------

    private Reply createOrder(Merchant merchant, HttpServerRequest request, byte[] body) {
        RequestJson in = RequestJson.parse(json, body, ORDER_MEMBERS);
        NewOrder order = new NewOrder(in.merchantNumber("out_trade_no"), in.positiveAmount("amount"),
                in.currency("currency"), in.text("description", 128), in.instant("expires_at"),
                in.httpUri("notify_url"));
        OrderView view = ledger.createOrder(merchant, order);
        Map<String, Object> out = view.json();
        out.put("checkout_url", checkoutUrl(view.orderId()));
        return ok(out);
    }

    private Reply queryOrder(Merchant merchant, HttpServerRequest request, byte[] body) {
        return ok(ledger.order(merchant, request.param("outTradeNo")).json());
    }

    private Reply closeOrder(Merchant merchant, HttpServerRequest request, byte[] body) {
        return ok(ledger.close(merchant, request.param("outTradeNo")).json());
    }

    private Reply createRefund(Merchant merchant, HttpServerRequest request, byte[] body) {
        RequestJson in = RequestJson.parse(json, body, REFUND_MEMBERS);
        String outTradeNo = in.merchantNumber("out_trade_no");
        NewRefund refund = new NewRefund(outTradeNo, in.merchantNumber("out_refund_no"), in.positiveAmount("amount"),
                in.optionalText("reason", 80).orElse(""),
                in.member("notify_url").isPresent() ? in.httpUri("notify_url") : null);
        RefundOutcome outcome = ledger.createRefund(merchant, refund);
        if (!outcome.created()) {
            return ok(outcome.view().json());
        }
        Duration delay = currentBehaviour().refundDelay();
        if (delay.isZero()) {
            return ok(completeRefund(merchant, outcome).json());
        }
        later(delay, () -> completeRefund(merchant, outcome));
        return ok(outcome.view().json());
    }

    private RefundView completeRefund(Merchant merchant, RefundOutcome outcome) {
        RefundView done = ledger.completeRefund(outcome.refund());
        URI notifyUrl = outcome.refund().notifyUrl() != null ? outcome.refund().notifyUrl()
                : ledger.orderNotifyUrl(merchant, outcome.refund().outTradeNo());
        notify(merchant, done.outTradeNo(), notifyUrl, "refund.succeeded", done.json());
        return done;
    }

    /** Run {@code work} after {@code delay} on a timer thread; cancelled if the provider closes first. */
    private void later(Duration delay, Runnable work) {
        Disposable[] self = new Disposable[1];
        self[0] = Mono.delay(delay)
                .doOnNext(tick -> work.run())
                .doFinally(signal -> {
                    if (self[0] != null) {
                        timers.remove(self[0]);
                    }
                })
                .subscribe(tick -> { }, error -> log.error("sandbox provider timer failed", error));
        timers.add(self[0]);
    }

    private Reply queryRefund(Merchant merchant, HttpServerRequest request, byte[] body) {
        return ok(ledger.refund(merchant, request.param("outRefundNo")).json());
    }

    /** The CSV statement; see {@code docs/sandbox-payment-provider.md} for its columns. */
    private Reply statement(Merchant merchant, HttpServerRequest request, byte[] body) {
        LocalDate day;
        try {
            day = LocalDate.parse(request.param("day"));
        } catch (DateTimeParseException e) {
            throw ProviderError.malformed("the day must be yyyy-MM-dd");
        }
        List<StatementRow> rows = ledger.statement(merchant, day);
        StringBuilder csv = new StringBuilder(64 + rows.size() * 160)
                .append("kind,out_trade_no,out_refund_no,transaction_id,amount,currency,fee,status,completed_at\n");
        for (StatementRow row : rows) {
            csv.append(row.kind()).append(',').append(row.outTradeNo()).append(',').append(row.outRefundNo())
                    .append(',').append(row.transactionId()).append(',').append(row.amount()).append(',')
                    .append(row.currency()).append(',').append(row.fee()).append(',').append(row.status())
                    .append(',').append(row.completedAt()).append('\n');
        }
        return new Reply(200, "text/csv; charset=utf-8", csv.toString().getBytes(StandardCharsets.UTF_8));
    }

    // ---- checkout (the citizen's side) ----------------------------------------------------------------------------

    private URI checkoutUrl(String orderId) {
        URI base = settings.publicBaseUri() != null ? settings.publicBaseUri() : baseUri;
        String text = base.toString();
        return URI.create((text.endsWith("/") ? text.substring(0, text.length() - 1) : text) + "/v1/checkout/"
                + orderId);
    }

    /**
     * What the citizen's checkout page shows; the order id is the capability, so no merchant data beyond it. A
     * browser ({@code Accept: text/html}) gets a page with the two buttons, for trying the all-in-one run by hand.
     */
    private Reply checkout(HttpServerRequest request, byte[] body) {
        OrderView view = ledger.orderById(request.param("orderId"));
        String accept = request.requestHeaders().get(HttpHeaderNames.ACCEPT);
        if (accept != null && accept.contains("text/html")) {
            return new Reply(200, "text/html; charset=utf-8", checkoutPage(view).getBytes(StandardCharsets.UTF_8));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("order_id", view.orderId());
        out.put("amount", view.amount());
        out.put("currency", view.currency());
        out.put("description", view.description());
        out.put("status", view.status());
        out.put("expires_at", SandboxLedger.text(view.expiresAt()));
        return ok(out);
    }

    private static String checkoutPage(OrderView view) {
        String amount = BigDecimal.valueOf(view.amount(), 2).toPlainString();
        return "<!doctype html><html lang=\"en\"><meta charset=\"utf-8\"><title>Sandbox checkout</title>"
                + "<h1>Sandbox checkout</h1><p>" + escape(view.description()) + "</p><p>" + amount + " "
                + escape(view.currency()) + " &middot; status <b id=\"status\">" + escape(view.status())
                + "</b></p><button onclick=\"pay('succeed')\">Pay</button> "
                + "<button onclick=\"pay('fail')\">Fail the payment</button>"
                + "<script>function pay(o){fetch(location.pathname+'/pay',{method:'POST',headers:{'Content-Type':"
                + "'application/json'},body:JSON.stringify({outcome:o})}).then(r=>r.json()).then(j=>{"
                + "document.getElementById('status').textContent=j.status||j.code;});}</script></html>";
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    /** The citizen's "pay" button: {@code outcome} succeed or fail; expired, closed and settled orders refuse. */
    private Reply pay(HttpServerRequest request, byte[] body) {
        RequestJson in = RequestJson.parse(json, body, PAY_MEMBERS);
        String outcome = in.text("outcome", 16);
        if (!"succeed".equals(outcome) && !"fail".equals(outcome)) {
            throw ProviderError.malformed("outcome must be succeed or fail");
        }
        PayOutcome paid = ledger.pay(request.param("orderId"), "succeed".equals(outcome));
        OrderView view = paid.order();
        Merchant merchant = ledger.merchant(view.merchantId()).orElseThrow();
        notify(merchant, view.outTradeNo(), paid.notifyUrl(),
                "succeed".equals(outcome) ? "payment.succeeded" : "payment.failed", view.json());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("order_id", view.orderId());
        out.put("status", view.status());
        return ok(out);
    }

    private void notify(Merchant merchant, String outTradeNo, URI notifyUrl, String type, Map<String, Object> data) {
        String id = ledger.newId("sbn_", 18);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("id", id);
        event.put("type", type);
        event.put("created_at", SandboxLedger.text(ledger.now()));
        event.put("data", data);
        notifications.submit(new Notification(id, merchant.id() + " " + outTradeNo, notifyUrl,
                json.writeValueAsBytes(event)));
    }

    // ---- its own process ------------------------------------------------------------------------------------------

    /**
     * Run as a process of its own: {@code --host=127.0.0.1 --port=8099 --public-base-uri=… --fee-rate=0.006}
     * (all optional). Prints {@code SANDBOX_PROVIDER_READY <base uri> <public key>} once it listens, and runs until
     * killed.
     */
    public static void main(String[] args) {
        SandboxProviderSettings settings = SandboxProviderSettings.defaults();
        for (String arg : args) {
            int equals = arg.indexOf('=');
            if (!arg.startsWith("--") || equals < 0) {
                throw new IllegalArgumentException("arguments are --name=value: " + arg);
            }
            String value = arg.substring(equals + 1);
            settings = switch (arg.substring(2, equals)) {
                case "host" -> settings.withHost(value);
                case "port" -> settings.withPort(Integer.parseInt(value));
                case "public-base-uri" -> settings.withPublicBaseUri(URI.create(value));
                case "fee-rate" -> settings.withFeeRate(new BigDecimal(value));
                default -> throw new IllegalArgumentException("unknown argument " + arg);
            };
        }
        SandboxProvider provider = start(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(provider::close, "sandbox-provider-shutdown"));
        System.out.println("SANDBOX_PROVIDER_READY " + provider.baseUri() + " " + provider.publicKey());
        System.out.flush();
        provider.server.onDispose().block();
    }
}
