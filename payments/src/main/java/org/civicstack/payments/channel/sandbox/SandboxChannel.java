package org.civicstack.payments.channel.sandbox;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.InvalidKeyException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.civicstack.payments.channel.ChannelAccount;
import org.civicstack.payments.channel.ChannelException;
import org.civicstack.payments.channel.ChannelKind;
import org.civicstack.payments.channel.ChannelNotification;
import org.civicstack.payments.channel.ChannelPayment;
import org.civicstack.payments.channel.ChannelRefund;
import org.civicstack.payments.channel.NotificationReply;
import org.civicstack.payments.channel.NotificationRequest;
import org.civicstack.payments.channel.PaymentChannel;
import org.civicstack.payments.channel.Prepay;
import org.civicstack.payments.channel.PrepayRequest;
import org.civicstack.payments.channel.RefundRequest;
import org.civicstack.payments.channel.StatementLine;
import org.civicstack.platform.error.FieldViolation;
import org.civicstack.platform.security.jose.Ed25519;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The payment module's client of the sandbox payment provider ({@code …sandbox.provider.SandboxProvider}, protocol in
 * {@code docs/sandbox-payment-provider.md}), written against its HTTP API exactly as the WeChat Pay and Alipay
 * adapters are written against theirs, so the all-in-one run and the end-to-end tests exercise the same paths
 * (signed requests, verified answers and notifications, typed failures) as production. It shares no code with the
 * provider on purpose: a mistake in one side's signing would otherwise be mirrored in the other and go unseen.
 *
 * <p>Account properties: {@value #API_KEY} (secret; the base64url API key from onboarding) and
 * {@value #PROVIDER_PUBLIC_KEY} (Base64 X.509 SubjectPublicKeyInfo of the provider's Ed25519 key); the account's
 * merchant id is the sandbox {@code merchant_id}.
 *
 * <p>Failures: no connection → {@link ChannelException.Unavailable}; 503 {@code system_busy} (documented as not
 * processed) → Unavailable; any other 5xx, no answer within the timeout, or a connection lost after sending →
 * {@link ChannelException.Timeout} (the provider may have acted); a signed 4xx → {@link ChannelException.Rejected}
 * with the provider's code (except "no such order/refund" on queries, which is a state); an answer whose signature,
 * timestamp or content does not check out → {@link ChannelException.InvalidResponse}.
 */
public final class SandboxChannel implements PaymentChannel {

    public static final String API_KEY = "api_key";
    public static final String PROVIDER_PUBLIC_KEY = "provider_public_key";

    /** Answers and notifications older or newer than this (by their signed timestamp) are refused. */
    static final Duration TIMESTAMP_WINDOW = Duration.ofMinutes(5);
    /** The provider's limit on {@code description}, in UTF-16 units. */
    static final int DESCRIPTION_LIMIT = 128;
    static final int REASON_LIMIT = 80;

    private static final ChannelKind KIND = ChannelKind.SANDBOX;
    private static final byte[] EMPTY = new byte[0];
    private static final Pattern MERCHANT_NUMBER = Pattern.compile("[A-Za-z0-9_\\-]{1,64}");
    private static final String STATEMENT_HEADER =
            "kind,out_trade_no,out_refund_no,transaction_id,amount,currency,fee,status,completed_at";
    private static final Base64.Encoder NONCE_TEXT = Base64.getUrlEncoder().withoutPadding();

    private final String origin;
    private final Clock clock;
    private final Duration timeout;
    private final WebClient web;
    private final JsonMapper json = JsonMapper.builder().build();
    private final SecureRandom random = new SecureRandom();
    /** provider public keys by their text, so each is parsed once */
    private final Map<String, PublicKey> publicKeys = new ConcurrentHashMap<>();

    /**
     * @param baseUrl the provider, e.g. {@code http://127.0.0.1:8099}; a path prefix is kept and signed
     * @param clock the time signatures are made and checked against
     * @param timeout how long a call may take from sending to the whole answer
     */
    public SandboxChannel(URI baseUrl, Clock clock, Duration timeout) {
        String text = baseUrl.toString();
        this.origin = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.web = WebClient.builder()
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(32 * 1024 * 1024))
                .build();
    }

    @Override
    public ChannelKind kind() {
        return KIND;
    }

    /** The provider itself: {@code POST /v1/merchants} there opens an account (docs/sandbox-payment-provider.md). */
    @Override
    public URI merchantPortal() {
        return URI.create(origin);
    }

    @Override
    public Set<String> secretProperties() {
        return Set.of(API_KEY);
    }

    @Override
    public List<FieldViolation> validate(String merchantId, Map<String, String> properties) {
        List<FieldViolation> problems = new ArrayList<>();
        if (merchantId == null || merchantId.isBlank()) {
            problems.add(new FieldViolation("merchant_id", "required", "the sandbox merchant_id is required"));
        }
        String apiKey = properties.get(API_KEY);
        if (apiKey == null || apiKey.isBlank()) {
            problems.add(new FieldViolation(API_KEY, "required", "the API key from onboarding is required"));
        } else if (!isApiKey(apiKey)) {
            problems.add(new FieldViolation(API_KEY, "malformed", "the API key is 32 bytes in base64url"));
        }
        String publicKey = properties.get(PROVIDER_PUBLIC_KEY);
        if (publicKey == null || publicKey.isBlank()) {
            problems.add(new FieldViolation(PROVIDER_PUBLIC_KEY, "required",
                    "the provider's public key (GET /v1/keys) is required"));
        } else {
            try {
                parsePublicKey(publicKey);
            } catch (InvalidKeyException e) {
                problems.add(new FieldViolation(PROVIDER_PUBLIC_KEY, "malformed",
                        "not a Base64 X.509 Ed25519 public key"));
            }
        }
        return problems;
    }

    private static boolean isApiKey(String text) {
        try {
            return Base64.getUrlDecoder().decode(text).length == 32;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    // ---- payments -------------------------------------------------------------------------------------------------

    @Override
    public Mono<Prepay> prepay(ChannelAccount account, PrepayRequest request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("out_trade_no", request.paymentId());
        body.put("amount", request.amount());
        body.put("currency", request.currency());
        body.put("description", trim(request.description(), DESCRIPTION_LIMIT));
        body.put("expires_at", request.expiresAt().toString());
        body.put("notify_url", request.notifyUrl());
        return checkedNumber(request.paymentId())
                .then(call(account, HttpMethod.POST, "/v1/orders", json.writeValueAsBytes(body)))
                .map(answer -> prepared(answer, request));
    }

    private Prepay prepared(Answer answer, PrepayRequest request) {
        JsonNode node = successOrRejected(answer);
        requireEqual(request.paymentId(), text(node, "out_trade_no"), "out_trade_no");
        if (number(node, "amount") != request.amount()) {
            throw invalid("the provider's order has a different amount", null);
        }
        String orderId = text(node, "order_id");
        return new Prepay(orderId, Map.of("checkout_url", text(node, "checkout_url"), "order_id", orderId));
    }

    @Override
    public Mono<ChannelPayment> query(ChannelAccount account, String paymentId) {
        return checkedNumber(paymentId)
                .then(call(account, HttpMethod.GET, "/v1/orders/" + paymentId, EMPTY))
                .map(answer -> {
                    if (answer.status() == 404 && "order_not_found".equals(errorCode(answer))) {
                        return new ChannelPayment(paymentId, ChannelPayment.State.NOT_FOUND, null, null, null, null,
                                null, null);
                    }
                    return payment(successOrRejected(answer), paymentId);
                });
    }

    @Override
    public Mono<Void> close(ChannelAccount account, String paymentId) {
        return checkedNumber(paymentId)
                .then(call(account, HttpMethod.POST, "/v1/orders/" + paymentId + "/close", EMPTY))
                .map(answer -> payment(successOrRejected(answer), paymentId))
                .flatMap(closed -> closed.state() == ChannelPayment.State.CLOSED
                        || closed.state() == ChannelPayment.State.FAILED
                        ? Mono.<Void>empty()
                        : Mono.error(invalid("the provider answered a close with " + closed.state(), null)));
    }

    /** An order as the provider shows it (query, close, notification) in our terms. */
    private ChannelPayment payment(JsonNode node, String expectedPaymentId) {
        String outTradeNo = text(node, "out_trade_no");
        if (expectedPaymentId != null) {
            requireEqual(expectedPaymentId, outTradeNo, "out_trade_no");
        }
        ChannelPayment.State state = switch (text(node, "status")) {
            case "pending" -> ChannelPayment.State.PENDING;
            case "succeeded" -> ChannelPayment.State.SUCCEEDED;
            case "failed" -> ChannelPayment.State.FAILED;
            case "closed", "expired" -> ChannelPayment.State.CLOSED;
            case "refunded" -> ChannelPayment.State.REFUNDED;
            default -> throw invalid("unknown order status " + text(node, "status"), null);
        };
        return new ChannelPayment(outTradeNo, state, text(node, "merchant_id"), number(node, "amount"),
                text(node, "currency"), optionalText(node, "transaction_id"), optionalInstant(node, "paid_at"),
                optionalNumber(node, "fee"));
    }

    // ---- refunds --------------------------------------------------------------------------------------------------

    @Override
    public Mono<ChannelRefund> refund(ChannelAccount account, RefundRequest request) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("out_trade_no", request.paymentId());
        body.put("out_refund_no", request.refundId());
        body.put("amount", request.amount());
        if (request.reason() != null && !request.reason().isBlank()) {
            body.put("reason", trim(request.reason(), REASON_LIMIT));
        }
        if (request.notifyUrl() != null) {
            body.put("notify_url", request.notifyUrl());
        }
        return checkedNumber(request.paymentId())
                .then(checkedNumber(request.refundId()))
                .then(call(account, HttpMethod.POST, "/v1/refunds", json.writeValueAsBytes(body)))
                .map(answer -> refundOf(successOrRejected(answer), request.paymentId(), request.refundId()));
    }

    @Override
    public Mono<ChannelRefund> queryRefund(ChannelAccount account, String paymentId, String refundId) {
        return checkedNumber(refundId)
                .then(call(account, HttpMethod.GET, "/v1/refunds/" + refundId, EMPTY))
                .map(answer -> {
                    if (answer.status() == 404 && "refund_not_found".equals(errorCode(answer))) {
                        return new ChannelRefund(refundId, paymentId, ChannelRefund.State.NOT_FOUND, null, null,
                                null, null);
                    }
                    return refundOf(successOrRejected(answer), paymentId, refundId);
                });
    }

    private ChannelRefund refundOf(JsonNode node, String expectedPaymentId, String expectedRefundId) {
        String refundId = text(node, "out_refund_no");
        String paymentId = text(node, "out_trade_no");
        if (expectedRefundId != null) {
            requireEqual(expectedRefundId, refundId, "out_refund_no");
        }
        if (expectedPaymentId != null) {
            requireEqual(expectedPaymentId, paymentId, "out_trade_no");
        }
        ChannelRefund.State state = switch (text(node, "status")) {
            case "processing" -> ChannelRefund.State.PENDING;
            case "succeeded" -> ChannelRefund.State.SUCCEEDED;
            default -> throw invalid("unknown refund status " + text(node, "status"), null);
        };
        return new ChannelRefund(refundId, paymentId, state, text(node, "refund_id"), number(node, "amount"),
                text(node, "currency"), optionalInstant(node, "completed_at"));
    }

    // ---- notifications --------------------------------------------------------------------------------------------

    @Override
    public Mono<ChannelNotification> verifyNotification(ChannelAccount account, NotificationRequest request) {
        return Mono.fromCallable(() -> verifiedNotification(account, request))
                .onErrorMap(error -> !(error instanceof ChannelException.NotificationRejected),
                        error -> new ChannelException.NotificationRejected(KIND,
                                "the notification does not parse: " + error.getMessage()));
    }

    private ChannelNotification verifiedNotification(ChannelAccount account, NotificationRequest request) {
        String id = request.header("Sandbox-Notification-Id");
        String timestamp = request.header("Sandbox-Timestamp");
        String signature = request.header("Sandbox-Signature");
        if (id == null || timestamp == null || signature == null) {
            throw rejected("Sandbox-Notification-Id, Sandbox-Timestamp and Sandbox-Signature are required");
        }
        if (!withinWindow(timestamp)) {
            throw rejected("the notification's timestamp is outside the " + TIMESTAMP_WINDOW.toMinutes()
                    + "-minute window");
        }
        byte[] body = request.body();
        if (!verifies(account, id, timestamp, body, signature)) {
            throw rejected("the notification's signature does not verify with the provider key");
        }
        JsonNode event = json.readTree(body);
        if (!id.equals(text(event, "id"))) {
            throw rejected("the notification id in the body differs from the header");
        }
        JsonNode data = event.get("data");
        if (data == null || !data.isObject()) {
            throw rejected("the notification has no data");
        }
        if (!account.merchantId().equals(text(data, "merchant_id"))) {
            // one provider key signs every merchant's notifications: one sent to the wrong account is not ours
            throw rejected("the notification is for another merchant");
        }
        String type = text(event, "type");
        return switch (type) {
            case "payment.succeeded", "payment.failed" ->
                    new ChannelNotification.PaymentNotification(id, payment(data, null));
            case "refund.succeeded" -> new ChannelNotification.RefundNotification(id, refundOf(data, null, null));
            default -> throw rejected("unknown notification type " + type);
        };
    }

    private static ChannelException.NotificationRejected rejected(String message) {
        return new ChannelException.NotificationRejected(KIND, message);
    }

    @Override
    public NotificationReply reply(boolean accepted) {
        if (accepted) {
            return new NotificationReply(204, null, "");
        }
        return new NotificationReply(503, MediaType.APPLICATION_JSON_VALUE,
                "{\"code\":\"retry_later\",\"message\":\"not accepted, send again\"}");
    }

    // ---- statement ------------------------------------------------------------------------------------------------

    @Override
    public Flux<StatementLine> statement(ChannelAccount account, LocalDate day) {
        return call(account, HttpMethod.GET, "/v1/statements/" + day, EMPTY)
                .map(answer -> {
                    if (answer.status() != 200) {
                        successOrRejected(answer);
                    }
                    return statementLines(new String(answer.body(), StandardCharsets.UTF_8));
                })
                .flatMapMany(Flux::fromIterable);
    }

    /**
     * The provider's CSV: a fixed header, then one line per completed payment or refund. Its fields are merchant
     * numbers ({@code [A-Za-z0-9_-]}), ids, integers, codes and RFC 3339 times, none of which can hold a comma or a
     * quote, so the provider never quotes and a split is an exact reading; anything else is refused.
     */
    private List<StatementLine> statementLines(String csv) {
        String[] lines = csv.split("\n", -1);
        if (lines.length < 2 || !STATEMENT_HEADER.equals(lines[0]) || !lines[lines.length - 1].isEmpty()) {
            throw invalid("the statement does not have the expected header and line ends", null);
        }
        List<StatementLine> out = new ArrayList<>(lines.length - 2);
        for (int i = 1; i < lines.length - 1; i++) {
            String[] field = lines[i].split(",", -1);
            if (field.length != 9) {
                throw invalid("statement line " + i + " has " + field.length + " fields, not 9", null);
            }
            try {
                StatementLine.Kind kind = switch (field[0]) {
                    case "payment" -> StatementLine.Kind.PAYMENT;
                    case "refund" -> StatementLine.Kind.REFUND;
                    default -> throw invalid("statement line " + i + " has kind " + field[0], null);
                };
                String refundId = field[2].isEmpty() ? null : field[2];
                if ((kind == StatementLine.Kind.REFUND) != (refundId != null)) {
                    throw invalid("statement line " + i + ": a refund line, and only one, has out_refund_no", null);
                }
                out.add(new StatementLine(kind, field[1], refundId, field[3], Long.parseLong(field[4]), field[5],
                        Long.parseLong(field[6]), field[7], Instant.parse(field[8])));
            } catch (RuntimeException e) {
                if (e instanceof ChannelException channel) {
                    throw channel;
                }
                throw invalid("statement line " + i + " does not parse: " + e.getMessage(), e);
            }
        }
        return out;
    }

    // ---- the wire -------------------------------------------------------------------------------------------------

    /** An answer whose signature (for anything but a 5xx) has verified. */
    private record Answer(int status, byte[] body) {
    }

    /** An HTTP answer as received. */
    private record Received(int status, String timestamp, String nonce, String signature, byte[] body) {
    }

    private Mono<Answer> call(ChannelAccount account, HttpMethod method, String path, byte[] body) {
        return Mono.defer(() -> send(account, method, path, body))
                .timeout(timeout)
                .onErrorMap(error -> !(error instanceof ChannelException), this::transportFailure)
                .map(received -> verified(account, received));
    }

    private Mono<Received> send(ChannelAccount account, HttpMethod method, String path, byte[] body) {
        String fullPath = URI.create(origin).getRawPath() + path;
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        byte[] nonceBytes = new byte[16];
        random.nextBytes(nonceBytes);
        String nonce = NONCE_TEXT.encodeToString(nonceBytes);
        String signature = hmac(account, account.merchantId() + "." + timestamp + "." + nonce + "." + method.name()
                + "." + fullPath + ".", body);
        WebClient.RequestBodySpec spec = web.method(method)
                .uri(URI.create(origin + path))
                .header("Sandbox-Merchant", account.merchantId())
                .header("Sandbox-Timestamp", timestamp)
                .header("Sandbox-Nonce", nonce)
                .header("Sandbox-Signature", signature)
                .accept(MediaType.APPLICATION_JSON, MediaType.parseMediaType("text/csv"));
        WebClient.RequestHeadersSpec<?> ready = body.length == 0 ? spec
                : spec.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
        return ready.exchangeToMono(response -> response.bodyToMono(byte[].class)
                .defaultIfEmpty(EMPTY)
                .map(bytes -> new Received(response.statusCode().value(),
                        response.headers().asHttpHeaders().getFirst("Sandbox-Timestamp"),
                        response.headers().asHttpHeaders().getFirst("Sandbox-Nonce"),
                        response.headers().asHttpHeaders().getFirst("Sandbox-Signature"), bytes)));
    }

    private ChannelException transportFailure(Throwable error) {
        if (error instanceof TimeoutException) {
            return new ChannelException.Timeout(KIND, "no answer within " + timeout + "; the outcome is unknown",
                    error);
        }
        if (error instanceof WebClientRequestException) {
            for (Throwable cause = error; cause != null; cause = cause.getCause()) {
                if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
                    return new ChannelException.Unavailable(KIND, "cannot connect to the provider", error);
                }
            }
            return new ChannelException.Timeout(KIND, "the connection failed after sending; the outcome is unknown",
                    error);
        }
        return new ChannelException.InvalidResponse(KIND, "the answer could not be read: " + error, error);
    }

    /**
     * 5xx first (they say nothing we act on beyond retry-or-query, so they need no signature); everything else must
     * carry a valid provider signature with a fresh timestamp.
     */
    private Answer verified(ChannelAccount account, Received received) {
        if (received.status() >= 500) {
            if (received.status() == 503 && "system_busy".equals(errorCode(received.body()))) {
                throw new ChannelException.Unavailable(KIND, "the provider is busy and did not process the call",
                        null);
            }
            throw new ChannelException.Timeout(KIND, "the provider answered " + received.status()
                    + "; the outcome is unknown", null);
        }
        if (received.timestamp() == null || received.nonce() == null || received.signature() == null) {
            throw invalid("the answer is not signed", null);
        }
        if (!withinWindow(received.timestamp())) {
            throw invalid("the answer's timestamp is outside the window", null);
        }
        if (!verifies(account, received.timestamp(), received.nonce(), received.body(), received.signature())) {
            throw invalid("the answer's signature does not verify with the provider key", null);
        }
        return new Answer(received.status(), received.body());
    }

    /** The JSON of a 2xx answer; a 4xx is the provider's refusal with its code. */
    private JsonNode successOrRejected(Answer answer) {
        if (answer.status() >= 200 && answer.status() < 300) {
            return parse(answer.body());
        }
        JsonNode error = parse(answer.body());
        throw new ChannelException.Rejected(KIND, text(error, "code"),
                answer.status() + " " + optionalText(error, "message"));
    }

    private String errorCode(Answer answer) {
        return errorCode(answer.body());
    }

    private String errorCode(byte[] body) {
        try {
            JsonNode node = json.readTree(body);
            JsonNode code = node == null ? null : node.get("code");
            return code != null && code.isString() ? code.stringValue() : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    private boolean withinWindow(String timestamp) {
        try {
            long seconds = Long.parseLong(timestamp);
            return Math.abs(clock.instant().getEpochSecond() - seconds) <= TIMESTAMP_WINDOW.toSeconds();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private boolean verifies(ChannelAccount account, String first, String second, byte[] body, String signature) {
        try {
            byte[] prefix = (first + "." + second + ".").getBytes(StandardCharsets.UTF_8);
            byte[] message = new byte[prefix.length + body.length];
            System.arraycopy(prefix, 0, message, 0, prefix.length);
            System.arraycopy(body, 0, message, prefix.length, body.length);
            PublicKey key = parsePublicKey(account.property(PROVIDER_PUBLIC_KEY));
            return Ed25519.DEFAULT.verify(key, message, Base64.getDecoder().decode(signature));
        } catch (InvalidKeyException | IllegalArgumentException e) {
            return false;
        }
    }

    private PublicKey parsePublicKey(String text) throws InvalidKeyException {
        PublicKey cached = publicKeys.get(text);
        if (cached != null) {
            return cached;
        }
        try {
            PublicKey key = KeyFactory.getInstance("Ed25519")
                    .generatePublic(new X509EncodedKeySpec(Base64.getDecoder().decode(text)));
            publicKeys.put(text, key);
            return key;
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new InvalidKeyException("not an Ed25519 public key", e);
        }
    }

    private static String hmac(ChannelAccount account, String prefix, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(Base64.getUrlDecoder().decode(account.property(API_KEY)), "HmacSHA256"));
            mac.update(prefix.getBytes(StandardCharsets.UTF_8));
            mac.update(body);
            return Base64.getEncoder().encodeToString(mac.doFinal());
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException("the account's api_key cannot key HMAC-SHA256 (validate prevents this)",
                    e);
        }
    }

    /** Our ids go into paths and the statement unquoted; the provider accepts exactly these characters. */
    private static Mono<Void> checkedNumber(String number) {
        if (number == null || !MERCHANT_NUMBER.matcher(number).matches()) {
            return Mono.error(new ChannelException.Rejected(KIND, "invalid_merchant_number",
                    "the sandbox takes 1..64 of A-Z a-z 0-9 _ - as order and refund numbers: " + number));
        }
        return Mono.empty();
    }

    // ---- reading answers ------------------------------------------------------------------------------------------

    private JsonNode parse(byte[] body) {
        try {
            JsonNode node = json.readTree(body);
            if (node == null || !node.isObject()) {
                throw invalid("the answer is not a JSON object", null);
            }
            return node;
        } catch (JacksonException e) {
            throw invalid("the answer is not JSON", e);
        }
    }

    private static String text(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || !value.isString()) {
            throw invalid("the answer has no " + name, null);
        }
        return value.stringValue();
    }

    private static String optionalText(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isString()) {
            throw invalid(name + " is not a string", null);
        }
        return value.stringValue();
    }

    private static long number(JsonNode node, String name) {
        JsonNode value = node.get(name);
        if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
            throw invalid("the answer has no integer " + name, null);
        }
        return value.longValue();
    }

    private static Long optionalNumber(JsonNode node, String name) {
        JsonNode value = node.get(name);
        return value == null || value.isNull() ? null : number(node, name);
    }

    private static Instant optionalInstant(JsonNode node, String name) {
        String text = optionalText(node, name);
        try {
            return text == null ? null : Instant.parse(text);
        } catch (RuntimeException e) {
            throw invalid(name + " is not an RFC 3339 time", e);
        }
    }

    private static void requireEqual(String expected, String actual, String name) {
        if (!expected.equals(actual)) {
            throw invalid("the answer is about " + name + " " + actual + ", not " + expected, null);
        }
    }

    private static ChannelException.InvalidResponse invalid(String message, Throwable cause) {
        return new ChannelException.InvalidResponse(KIND, message, cause);
    }

    /** At most {@code limit} UTF-16 units, never splitting a surrogate pair. */
    static String trim(String text, int limit) {
        if (text == null || text.length() <= limit) {
            return text;
        }
        int end = Character.isHighSurrogate(text.charAt(limit - 1)) ? limit - 1 : limit;
        return text.substring(0, end);
    }
}
