package org.civicstack.payments.channel.alipay;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;

import javax.net.ssl.SSLHandshakeException;

import io.netty.channel.ChannelOption;
import org.civicstack.payments.channel.ChannelAccount;
import org.civicstack.payments.channel.ChannelException;
import org.civicstack.payments.channel.ChannelException.InvalidResponse;
import org.civicstack.payments.channel.ChannelException.Rejected;
import org.civicstack.payments.channel.ChannelException.Timeout;
import org.civicstack.payments.channel.ChannelException.Unavailable;
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
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Alipay open platform (the {@code gateway.do} API, RSA2 keys mode) as a {@link PaymentChannel}. Every server
 * call is one signed form POST to the gateway; every answer's signature is checked against the account's Alipay
 * public key before anything in it is used. The app payment itself is not a server call: {@code
 * alipay.trade.app.pay} is an order string we sign and the app hands to the Alipay SDK.
 *
 * <p><b>Account properties</b> ({@link ChannelAccount#properties()}):
 * <ul>
 * <li>{@code app_id}: the open-platform application id (16 digits) the calls are made as;</li>
 * <li>{@code app_private_key} (<b>secret</b>): the application's RSA private key, PKCS#8 PEM
 *     ({@code BEGIN PRIVATE KEY}) or the bare base64 Alipay's key tool prints, at least 2048 bits;</li>
 * <li>{@code alipay_public_key}: Alipay's RSA public key for this application, X.509 PEM or bare base64.</li>
 * </ul>
 * The account's {@code merchantId} is the merchant's partner id ({@code seller_id}, {@code 2088…}); notifications
 * must name it.
 *
 * <p><b>Failures.</b> Connection refused or not established: {@link Unavailable}. No answer within the timeout, a
 * broken connection after sending, a 5xx other than 503, Alipay's {@code 20000} (service unavailable) and
 * {@code ACQ.SYSTEM_ERROR}, which Alipay documents as "retry with the same parameters" (the outcome is unknown):
 * {@link Timeout}. A 503: {@link Unavailable}. Any other {@code sub_code}: {@link Rejected} with that code. An
 * answer whose signature fails or that does not parse: {@link InvalidResponse}.
 *
 * <p><b>Scenes.</b> Only {@code app} is an Alipay scene here; {@code jsapi} (WeChat's in-app web page) has no
 * Alipay counterpart in the cashier and is refused with {@code unsupported_scene} before anything is signed.
 */
public final class AlipayChannel implements PaymentChannel {

    static final String CURRENCY = "CNY";
    /** Alipay's limit for {@code subject}, in characters. */
    static final int SUBJECT_LIMIT = 256;
    static final String APP_PAY = "alipay.trade.app.pay";
    static final String TRADE_QUERY = "alipay.trade.query";
    static final String TRADE_CLOSE = "alipay.trade.close";
    static final String TRADE_REFUND = "alipay.trade.refund";
    static final String REFUND_QUERY = "alipay.trade.fastpay.refund.query";
    static final String BILL_URL_QUERY = "alipay.data.dataservice.bill.downloadurl.query";

    static final String TRADE_NOT_EXIST = "ACQ.TRADE_NOT_EXIST";
    static final String TRADE_STATUS_ERROR = "ACQ.TRADE_STATUS_ERROR";
    private static final Set<String> OUTCOME_UNKNOWN = Set.of("ACQ.SYSTEM_ERROR", "aop.ACQ.SYSTEM_ERROR");
    private static final String SERVICE_UNAVAILABLE = "20000";

    private static final MediaType FORM_UTF8 = MediaType.parseMediaType("application/x-www-form-urlencoded; charset=utf-8");
    private static final MediaType TEXT_UTF8 = MediaType.parseMediaType("text/plain;charset=utf-8");
    /** A bill of a busy day runs to megabytes; the codec's default 256 KiB would refuse it. */
    private static final int MAX_BODY_BYTES = 32 * 1024 * 1024;

    private final URI gateway;
    private final Clock clock;
    private final Duration timeout;
    private final WebClient http;
    private final JsonMapper json = GatewayAnswer.jsonMapper();
    private final AlipayNotifications notifications;

    /**
     * @param gateway the gateway URL, e.g. {@code https://openapi.alipay.com/gateway.do}
     *                (sandbox {@code https://openapi-sandbox.dl.alipaydev.com/gateway.do})
     * @param clock request timestamps and the notification window
     * @param timeout for connecting and, separately, for the answer; a call is bounded by twice this
     */
    public AlipayChannel(URI gateway, Clock clock, Duration timeout) {
        this.gateway = gateway;
        this.clock = clock;
        this.timeout = timeout;
        HttpClient client = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(timeout.toMillis()))
                .responseTimeout(timeout);
        this.http = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(client))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(MAX_BODY_BYTES))
                .build();
        this.notifications = new AlipayNotifications(clock);
    }

    @Override
    public ChannelKind kind() {
        return ChannelKind.ALIPAY;
    }

    /** Alipay's open platform (开放平台): app id, application keys, Alipay's public key. */
    @Override
    public java.net.URI merchantPortal() {
        return java.net.URI.create("https://open.alipay.com/");
    }

    @Override
    public Set<String> secretProperties() {
        return Set.of(AlipayAccount.APP_PRIVATE_KEY);
    }

    @Override
    public List<FieldViolation> validate(String merchantId, Map<String, String> properties) {
        return AlipayAccount.violations(merchantId, properties);
    }

    // ---- prepay ------------------------------------------------------------------------------------------------

    @Override
    public Mono<Prepay> prepay(ChannelAccount account, PrepayRequest request) {
        return Mono.fromCallable(() -> new Prepay(null, Map.of("order_string", orderString(keys(account), request))));
    }

    /** The signed, URL-encoded order string exactly as the SDK's {@code sdkExecute} builds it (keys sorted). */
    String orderString(AlipayAccount account, PrepayRequest request) {
        if (!"app".equals(request.scene())) {
            throw new Rejected(ChannelKind.ALIPAY, "unsupported_scene",
                    "Alipay payments open in the Alipay app (scene app); scene " + request.scene() + " is not offered");
        }
        requireCny(request.currency());
        if (request.amount() <= 0) {
            throw new Rejected(ChannelKind.ALIPAY, "invalid_amount", "amount must be at least 1 fen");
        }
        Map<String, Object> biz = new LinkedHashMap<>();
        biz.put("out_trade_no", request.paymentId());
        biz.put("total_amount", Yuan.format(request.amount()));
        biz.put("subject", subject(request.description()));
        biz.put("product_code", "QUICK_MSECURITY_PAY");
        biz.put("time_expire", AlipayTimes.format(request.expiresAt()));
        return formEncoded(signed(account, APP_PAY, biz, request.notifyUrl()));
    }

    /** Alipay counts characters (not bytes); a cut never splits a surrogate pair. */
    static String subject(String description) {
        String text = description == null ? "" : description.strip();
        if (text.codePointCount(0, text.length()) <= SUBJECT_LIMIT) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, SUBJECT_LIMIT));
    }

    // ---- query / close -----------------------------------------------------------------------------------------

    @Override
    public Mono<ChannelPayment> query(ChannelAccount account, String paymentId) {
        return Mono.fromCallable(() -> keys(account))
                .flatMap(keys -> call(keys, TRADE_QUERY, Map.of("out_trade_no", paymentId), null))
                .map(answer -> payment(paymentId, answer));
    }

    private ChannelPayment payment(String paymentId, GatewayAnswer answer) {
        if (!answer.succeeded()) {
            if (TRADE_NOT_EXIST.equals(answer.subCode()) && answer.signed()) {
                return new ChannelPayment(paymentId, ChannelPayment.State.NOT_FOUND, null, null, null, null, null, null);
            }
            throw failure(TRADE_QUERY, answer);
        }
        requireEcho(answer, "out_trade_no", paymentId);
        String status = required(answer, "trade_status");
        String paidAt = answer.text("send_pay_date");
        ChannelPayment.State state = switch (status) {
            case "WAIT_BUYER_PAY" -> ChannelPayment.State.PENDING;
            case "TRADE_SUCCESS", "TRADE_FINISHED" -> ChannelPayment.State.SUCCEEDED;
            // Alipay: TRADE_CLOSED is "closed unpaid, or fully refunded after payment"; only a paid trade has a
            // payment date, so one tells the two apart.
            case "TRADE_CLOSED" -> paidAt != null ? ChannelPayment.State.REFUNDED : ChannelPayment.State.CLOSED;
            default -> throw invalid(TRADE_QUERY + " answered an unknown trade_status " + status, null);
        };
        boolean paid = state == ChannelPayment.State.SUCCEEDED || state == ChannelPayment.State.REFUNDED;
        if (answer.text("buyer_pay_amount") != null) {
            amount(answer, "buyer_pay_amount"); // must be exact fen too, though the order total is what we compare
        }
        return new ChannelPayment(paymentId, state, answer.text("seller_id"), amount(answer, "total_amount"),
                CURRENCY, answer.text("trade_no"), paid ? time(answer, "send_pay_date") : null, null);
    }

    @Override
    public Mono<Void> close(ChannelAccount account, String paymentId) {
        return Mono.fromCallable(() -> keys(account))
                .flatMap(keys -> call(keys, TRADE_CLOSE, Map.of("out_trade_no", paymentId), null)
                        .flatMap(answer -> closed(keys, paymentId, answer)));
    }

    /**
     * Alipay creates an app trade only when the citizen opens the order string, so {@code ACQ.TRADE_NOT_EXIST} means
     * it was never opened — and since Alipay refuses to create it after {@code time_expire}, or once we close it,
     * it counts as closed. {@code ACQ.TRADE_STATUS_ERROR} is both "already closed" and "already paid"; a query
     * tells which.
     */
    private Mono<Void> closed(AlipayAccount keys, String paymentId, GatewayAnswer answer) {
        if (answer.succeeded() || (TRADE_NOT_EXIST.equals(answer.subCode()) && answer.signed())) {
            return Mono.empty();
        }
        if (TRADE_STATUS_ERROR.equals(answer.subCode()) && answer.signed()) {
            return call(keys, TRADE_QUERY, Map.of("out_trade_no", paymentId), null)
                    .map(query -> payment(paymentId, query))
                    .flatMap(payment -> payment.state() == ChannelPayment.State.CLOSED
                            ? Mono.<Void>empty()
                            : Mono.error(failure(TRADE_CLOSE, answer)));
        }
        return Mono.error(failure(TRADE_CLOSE, answer));
    }

    // ---- refunds -----------------------------------------------------------------------------------------------

    @Override
    public Mono<ChannelRefund> refund(ChannelAccount account, RefundRequest request) {
        return Mono.fromCallable(() -> keys(account))
                .flatMap(keys -> call(keys, TRADE_REFUND, refundBiz(request), null))
                .map(answer -> refunded(request, answer));
    }

    private static Map<String, Object> refundBiz(RefundRequest request) {
        requireCny(request.currency());
        if (request.amount() <= 0) {
            throw new Rejected(ChannelKind.ALIPAY, "invalid_amount", "refund amount must be at least 1 fen");
        }
        Map<String, Object> biz = new LinkedHashMap<>();
        biz.put("out_trade_no", request.paymentId());
        biz.put("refund_amount", Yuan.format(request.amount()));
        biz.put("out_request_no", request.refundId());
        if (request.reason() != null && !request.reason().isBlank()) {
            biz.put("refund_reason", request.reason().strip());
        }
        return biz;
    }

    /**
     * {@code fund_change=Y}: this call moved the money, the refund is done. {@code N} is either "accepted, still
     * processing" or "a repeat of a refund already made" — the refund query tells which, so it is pending.
     */
    private ChannelRefund refunded(RefundRequest request, GatewayAnswer answer) {
        if (!answer.succeeded()) {
            throw failure(TRADE_REFUND, answer);
        }
        requireEcho(answer, "out_trade_no", request.paymentId());
        boolean moved = "Y".equals(answer.text("fund_change"));
        return new ChannelRefund(request.refundId(), request.paymentId(),
                moved ? ChannelRefund.State.SUCCEEDED : ChannelRefund.State.PENDING, null, request.amount(), CURRENCY,
                moved ? timeOrNull(answer, "gmt_refund_pay") : null);
    }

    @Override
    public Mono<ChannelRefund> queryRefund(ChannelAccount account, String paymentId, String refundId) {
        Map<String, Object> biz = new LinkedHashMap<>();
        biz.put("out_trade_no", paymentId);
        biz.put("out_request_no", refundId);
        biz.put("query_options", List.of("gmt_refund_pay"));
        return Mono.fromCallable(() -> keys(account))
                .flatMap(keys -> call(keys, REFUND_QUERY, biz, null))
                .map(answer -> refundState(paymentId, refundId, answer));
    }

    /**
     * Alipay answers {@code 10000} with no refund fields when it has no such refund request; {@code refund_status}
     * is {@code REFUND_SUCCESS} once the money is back, and absent while it is not (in process, or failed — in both
     * cases calling refund again with the same {@code out_request_no} is safe).
     */
    private ChannelRefund refundState(String paymentId, String refundId, GatewayAnswer answer) {
        if (!answer.succeeded()) {
            if (TRADE_NOT_EXIST.equals(answer.subCode()) && answer.signed()) {
                return new ChannelRefund(refundId, paymentId, ChannelRefund.State.NOT_FOUND, null, null, null, null);
            }
            throw failure(REFUND_QUERY, answer);
        }
        if (answer.text("out_request_no") == null && answer.text("refund_amount") == null) {
            return new ChannelRefund(refundId, paymentId, ChannelRefund.State.NOT_FOUND, null, null, null, null);
        }
        requireEcho(answer, "out_request_no", refundId);
        boolean done = "REFUND_SUCCESS".equals(answer.text("refund_status"));
        return new ChannelRefund(refundId, paymentId, done ? ChannelRefund.State.SUCCEEDED : ChannelRefund.State.PENDING,
                null, amount(answer, "refund_amount"), CURRENCY, done ? timeOrNull(answer, "gmt_refund_pay") : null);
    }

    // ---- notifications -----------------------------------------------------------------------------------------

    @Override
    public Mono<ChannelNotification> verifyNotification(ChannelAccount account, NotificationRequest request) {
        return Mono.fromCallable(() -> notifications.verify(keys(account), request));
    }

    @Override
    public NotificationReply reply(boolean accepted) {
        return new NotificationReply(HttpStatus.OK.value(), TEXT_UTF8.toString(), accepted ? "success" : "failure");
    }

    // ---- statement ---------------------------------------------------------------------------------------------

    @Override
    public Flux<StatementLine> statement(ChannelAccount account, LocalDate day) {
        Map<String, Object> biz = new LinkedHashMap<>();
        biz.put("bill_type", "trade");
        biz.put("bill_date", DateTimeFormatter.ISO_LOCAL_DATE.format(day));
        return Mono.fromCallable(() -> keys(account))
                .flatMap(keys -> call(keys, BILL_URL_QUERY, biz, null))
                .map(this::billUrl)
                .flatMap(this::download)
                .flatMapIterable(this::parseBill);
    }

    private URI billUrl(GatewayAnswer answer) {
        if (!answer.succeeded()) {
            throw failure(BILL_URL_QUERY, answer);
        }
        String url = required(answer, "bill_download_url");
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw invalid("bill_download_url is not a URL: " + url, e);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            throw invalid("bill_download_url is not an http(s) URL: " + url, null);
        }
        return uri;
    }

    /** The download URL is short-lived (30 s) and carries its own token; it is fetched as given. */
    private Mono<byte[]> download(URI url) {
        return http.get()
                .uri(url)
                .exchangeToMono(this::body)
                .timeout(timeout.multipliedBy(2))
                .onErrorMap(AlipayChannel::transportFailure);
    }

    private List<StatementLine> parseBill(byte[] zip) {
        try {
            return AlipayTradeBill.parse(zip, CURRENCY);
        } catch (IllegalArgumentException e) {
            throw invalid("the trade bill is malformed: " + e.getMessage(), e);
        }
    }

    // ---- the gateway call --------------------------------------------------------------------------------------

    /** One signed call; the answer is verified, its code is left to the caller. */
    Mono<GatewayAnswer> call(AlipayAccount account, String method, Map<String, Object> biz, String notifyUrl) {
        String rootName = method.replace('.', '_') + "_response";
        return Mono.fromCallable(() -> formEncoded(signed(account, method, biz, notifyUrl)))
                .flatMap(this::post)
                .map(body -> verified(body, rootName, account));
    }

    private Mono<byte[]> post(String form) {
        return http.post()
                .uri(gateway)
                .contentType(FORM_UTF8)
                .bodyValue(form)
                .exchangeToMono(this::body)
                .timeout(timeout.multipliedBy(2))
                .onErrorMap(AlipayChannel::transportFailure);
    }

    /**
     * The gateway answers 200 for every business outcome. A 503 is the load balancer refusing before Alipay saw the
     * request; any other 5xx may come after processing, so its outcome is unknown.
     */
    private Mono<byte[]> body(ClientResponse response) {
        int status = response.statusCode().value();
        if (response.statusCode().is2xxSuccessful()) {
            return response.bodyToMono(byte[].class).defaultIfEmpty(new byte[0]);
        }
        ChannelException failure;
        if (status == HttpStatus.SERVICE_UNAVAILABLE.value()) {
            failure = new Unavailable(ChannelKind.ALIPAY, "HTTP 503 from Alipay", null);
        } else if (response.statusCode().is5xxServerError()) {
            failure = new Timeout(ChannelKind.ALIPAY, "HTTP " + status + " from Alipay, outcome unknown", null);
        } else {
            failure = invalid("HTTP " + status + " from Alipay", null);
        }
        return response.releaseBody().then(Mono.error(failure));
    }

    private GatewayAnswer verified(byte[] body, String rootName, AlipayAccount account) {
        try {
            return GatewayAnswer.read(new String(body, StandardCharsets.UTF_8), rootName, account.alipayPublicKey(),
                    json);
        } catch (IllegalArgumentException e) {
            throw invalid(e.getMessage(), e);
        }
    }

    /** The common parameters, {@code biz_content} and {@code sign}; sorted, as the SDK sends them. */
    Map<String, String> signed(AlipayAccount account, String method, Map<String, Object> biz, String notifyUrl) {
        Map<String, String> params = new TreeMap<>();
        params.put("app_id", account.appId());
        params.put("method", method);
        params.put("format", "JSON");
        params.put("charset", "utf-8");
        params.put("sign_type", AlipaySignatures.RSA2);
        params.put("timestamp", AlipayTimes.format(clock.instant()));
        params.put("version", "1.0");
        if (notifyUrl != null && !notifyUrl.isBlank()) {
            params.put("notify_url", notifyUrl);
        }
        params.put("biz_content", json.writeValueAsString(biz));
        params.put("sign", AlipaySignatures.sign(AlipaySignatures.content(params, Set.of("sign")),
                account.appPrivateKey()));
        return params;
    }

    /** {@code k=v&…}, each side URL-encoded in UTF-8, empty values left out (the SDK's {@code buildQuery}). */
    static String formEncoded(Map<String, String> params) {
        return params.entrySet().stream()
                .filter(e -> e.getValue() != null && !e.getValue().isEmpty())
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "="
                        + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    // ---- mapping helpers ---------------------------------------------------------------------------------------

    private AlipayAccount keys(ChannelAccount account) {
        if (account.kind() != ChannelKind.ALIPAY) {
            throw new IllegalArgumentException("not an Alipay account: " + account);
        }
        return AlipayAccount.parse(account.merchantId(), account.properties());
    }

    private static void requireCny(String currency) {
        if (!CURRENCY.equals(currency)) {
            throw new Rejected(ChannelKind.ALIPAY, "unsupported_currency", "Alipay trades here are in CNY, not " + currency);
        }
    }

    /** Alipay's answer to a business call that did not succeed, typed by what the caller may conclude. */
    static ChannelException failure(String method, GatewayAnswer answer) {
        String code = answer.subCode() != null ? answer.subCode() : answer.code();
        String message = method + ": " + answer.code() + " " + answer.subMessage();
        if (SERVICE_UNAVAILABLE.equals(answer.code()) || OUTCOME_UNKNOWN.contains(answer.subCode())) {
            return new Timeout(ChannelKind.ALIPAY, message + " (outcome unknown, query before deciding)", null);
        }
        if (code == null) {
            return invalid(method + " answered without a code", null);
        }
        return new Rejected(ChannelKind.ALIPAY, code, message);
    }

    private static void requireEcho(GatewayAnswer answer, String field, String expected) {
        String echoed = answer.text(field);
        if (echoed != null && !echoed.equals(expected)) {
            throw invalid("the answer is about " + field + " " + echoed + ", not " + expected, null);
        }
    }

    private static String required(GatewayAnswer answer, String field) {
        String value = answer.text(field);
        if (value == null) {
            throw invalid("the answer has no " + field, null);
        }
        return value;
    }

    private static long amount(GatewayAnswer answer, String field) {
        try {
            return Yuan.parse(required(answer, field));
        } catch (IllegalArgumentException e) {
            throw invalid(field + " is not an exact yuan amount: " + answer.text(field), e);
        }
    }

    private static Instant time(GatewayAnswer answer, String field) {
        try {
            return AlipayTimes.parse(required(answer, field));
        } catch (IllegalArgumentException e) {
            throw invalid(field + " is not an Alipay time: " + answer.text(field), e);
        }
    }

    private static Instant timeOrNull(GatewayAnswer answer, String field) {
        return answer.text(field) == null ? null : time(answer, field);
    }

    private static InvalidResponse invalid(String message, Throwable cause) {
        return new InvalidResponse(ChannelKind.ALIPAY, message, cause);
    }

    /**
     * Not connected (refused, unresolvable, TLS handshake failed): the request never left, {@link Unavailable}.
     * Anything that happens after it may have been sent — no answer in time, a reset — is {@link Timeout}.
     */
    static Throwable transportFailure(Throwable error) {
        if (error instanceof ChannelException) {
            return error;
        }
        if (error instanceof TimeoutException) {
            return new Timeout(ChannelKind.ALIPAY, "no answer within the timeout", error);
        }
        if (error instanceof WebClientRequestException) {
            for (Throwable cause = error; cause != null; cause = cause.getCause()) {
                if (cause instanceof ConnectException || cause instanceof UnknownHostException
                        || cause instanceof NoRouteToHostException || cause instanceof SSLHandshakeException) {
                    return new Unavailable(ChannelKind.ALIPAY, "could not connect to Alipay: " + cause, error);
                }
            }
            return new Timeout(ChannelKind.ALIPAY, "the call failed after it may have been sent: " + error.getMessage(),
                    error);
        }
        return invalid("the answer could not be read: " + error.getMessage(), error);
    }
}
