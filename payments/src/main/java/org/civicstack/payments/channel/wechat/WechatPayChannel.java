package org.civicstack.payments.channel.wechat;

import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeoutException;

import io.netty.channel.ChannelOption;
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
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * WeChat Pay API v3, direct merchant mode (直连商户), as WeChat publishes it: every request signed with the merchant's
 * RSA key ({@code WECHATPAY2-SHA256-RSA2048}), every answer and notification verified with the WeChat Pay platform
 * key its {@code Wechatpay-Serial} names, notification resources decrypted with the APIv3 key (AES-256-GCM).
 *
 * <h2>Account properties</h2>
 * The account's {@code merchantId} is the WeChat Pay {@code mchid}. Its properties:
 * <ul>
 * <li>{@code app_id}: the appid bound to the mchid (the citizen app's open platform appid for {@code app}, the
 *     official account's or mini program's for {@code jsapi}).</li>
 * <li>{@code merchant_serial_no}: serial number of the merchant API certificate whose key signs requests
 *     (hexadecimal, as the merchant platform shows it).</li>
 * <li>{@code merchant_private_key} (<b>secret</b>): that certificate's RSA private key, PKCS#8 PEM
 *     ({@code -----BEGIN PRIVATE KEY-----}, the {@code apiclient_key.pem} WeChat's tool writes).</li>
 * <li>{@code api_v3_key} (<b>secret</b>): the 32-character APIv3 key set in the merchant platform; the AES-256 key
 *     of notification resources.</li>
 * <li>{@code platform_public_keys}: a JSON object from each platform key's name, as {@code Wechatpay-Serial}
 *     sends it, to its PEM: either a platform certificate serial to the certificate
 *     ({@code -----BEGIN CERTIFICATE-----}) or a WeChat Pay public key id ({@code PUB_KEY_ID_…}) to the public key
 *     ({@code -----BEGIN PUBLIC KEY-----}). Several entries are how a rotation is carried: add the new key, and
 *     remove the old one only after WeChat stops using it. A serial not in the object is refused, never fetched.</li>
 * </ul>
 *
 * <h2>What callers may rely on</h2>
 * <ul>
 * <li>Every successful answer is verified (platform key by serial, signature, and a timestamp within five minutes
 *     of our clock) before anything in it is used; an answer that fails is {@link ChannelException.InvalidResponse}.
 *     Error answers are verified when signed; WeChat's gateway sends some errors (such as {@code SIGN_ERROR})
 *     unsigned, and those are mapped by their status and code as WeChat's own SDK does. An unsigned answer can
 *     only make a call fail: the error codes that mean an outcome ({@code ORDER_NOT_EXIST} → not found,
 *     {@code ORDER_CLOSED} → closed, {@code NO_STATEMENT_EXIST} → empty statement) count only when signed.</li>
 * <li>Notifications get the same verification, timestamp window included (WeChat's SDK omits the window; without
 *     it a captured notification could be replayed forever), then AES-GCM authentication of the resource.</li>
 * <li>{@code 429}/{@code FREQUENCY_LIMITED} is {@link ChannelException.Unavailable} (WeChat refused it before
 *     processing); {@code 5xx}/{@code SYSTEM_ERROR} is {@link ChannelException.Timeout}, because WeChat documents
 *     them as "retry with the same parameters", not as "not processed". A refused connection is Unavailable; a
 *     request that was sent but not answered within the timeout is Timeout.</li>
 * <li>The bill file is the one download WeChat does not sign; it is accepted only when its SHA-1 equals the hash in
 *     the signed answer that named it, and only from the same origin as the API.</li>
 * </ul>
 */
public final class WechatPayChannel implements PaymentChannel {

    /** WeChat's documented clock-skew allowance, applied to answers and notifications alike. */
    static final Duration TIMESTAMP_WINDOW = Duration.ofMinutes(5);
    /** WeChat's limit on {@code description}, in UTF-8 bytes. */
    static final int DESCRIPTION_MAX_BYTES = 127;

    private static final ChannelKind KIND = ChannelKind.WECHAT_PAY;
    private static final String SCHEMA = "WECHATPAY2-SHA256-RSA2048";
    private static final String USER_AGENT =
            "CivicStack-Payments/0.1 (WeChatPay-APIv3; Java " + Runtime.version().feature() + ")";
    private static final DateTimeFormatter RFC_3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");
    /** Bills of a busy merchant run to megabytes; API answers are small. */
    private static final int MAX_ANSWER_BYTES = 64 * 1024 * 1024;
    private static final byte[] NO_BODY = new byte[0];
    private static final String AEAD = "AEAD_AES_256_GCM";
    private static final String SIGNATURE_TYPE = "Wechatpay-Signature-Type";

    private final URI baseUrl;
    private final Clock clock;
    private final Duration timeout;
    private final WebClient webClient;
    private final JsonMapper json = JsonMapper.builder().build();

    /**
     * @param baseUrl {@code https://api.mch.weixin.qq.com} in production (or its backup domain); a local server in
     *                tests
     * @param clock the time requests are stamped with and answers' timestamps are checked against
     * @param timeout bound on connecting and on each call as a whole, from sending to the last byte of the answer
     */
    public WechatPayChannel(URI baseUrl, Clock clock, Duration timeout) {
        this.baseUrl = Objects.requireNonNull(baseUrl, "baseUrl");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        HttpClient http = HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, Math.toIntExact(timeout.toMillis()))
                .responseTimeout(timeout);
        this.webClient = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(http))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(MAX_ANSWER_BYTES))
                .build();
    }

    @Override
    public ChannelKind kind() {
        return KIND;
    }

    /** WeChat Pay's merchant platform (商户平台): merchant id, API v3 key, certificates. */
    @Override
    public java.net.URI merchantPortal() {
        return java.net.URI.create("https://pay.weixin.qq.com/");
    }

    @Override
    public Set<String> secretProperties() {
        return Set.of(WechatPayAccount.MERCHANT_PRIVATE_KEY, WechatPayAccount.API_V3_KEY);
    }

    @Override
    public List<FieldViolation> validate(String merchantId, Map<String, String> properties) {
        return WechatPayAccount.parse(merchantId, properties, json).violations();
    }

    // ---------------------------------------------------------------- prepay

    @Override
    public Mono<Prepay> prepay(ChannelAccount channelAccount, PrepayRequest request) {
        return Mono.defer(() -> {
            WechatPayAccount account = account(channelAccount);
            Scene scene = Scene.of(request.scene());
            ObjectNode body = prepayBody(account, request, scene);
            return call(account, HttpMethod.POST, uri(scene.path), bytes(body))
                    .map(answer -> success(answer, "prepay"))
                    .map(answer -> requiredText(answer, "prepay_id"))
                    .map(prepayId -> new Prepay(prepayId, appParameters(account, scene, prepayId)));
        });
    }

    private enum Scene {
        APP("/v3/pay/transactions/app"),
        JSAPI("/v3/pay/transactions/jsapi");

        final String path;

        Scene(String path) {
            this.path = path;
        }

        static Scene of(String scene) {
            return switch (scene == null ? "" : scene) {
                case "app" -> APP;
                case "jsapi" -> JSAPI;
                default -> throw new ChannelException.Rejected(KIND, "unsupported_scene",
                        "WeChat Pay supports the scenes app and jsapi, not " + scene);
            };
        }
    }

    private ObjectNode prepayBody(WechatPayAccount account, PrepayRequest request, Scene scene) {
        ObjectNode body = json.createObjectNode();
        body.put("appid", account.appId());
        body.put("mchid", account.merchantId());
        body.put("description", description(request.description()));
        body.put("out_trade_no", request.paymentId());
        body.put("time_expire", request.expiresAt().atZone(WechatPayTradeBill.CHINA).format(RFC_3339));
        body.put("notify_url", request.notifyUrl());
        ObjectNode amount = body.putObject("amount");
        amount.put("total", request.amount());
        amount.put("currency", request.currency());
        if (scene == Scene.JSAPI) {
            String openid = request.payer().get("openid");
            if (openid == null || openid.isBlank()) {
                throw new ChannelException.Rejected(KIND, "missing_openid",
                        "the jsapi scene needs the payer's openid (PrepayRequest.payer \"openid\")");
            }
            body.putObject("payer").put("openid", openid);
        }
        return body;
    }

    /** At most {@value #DESCRIPTION_MAX_BYTES} UTF-8 bytes, cut between code points, never inside one. */
    static String description(String text) {
        String stripped = text == null ? "" : text.strip();
        StringBuilder out = new StringBuilder();
        int bytes = 0;
        for (int offset = 0; offset < stripped.length(); ) {
            int codePoint = stripped.codePointAt(offset);
            int size = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
            if (bytes + size > DESCRIPTION_MAX_BYTES) {
                break;
            }
            out.appendCodePoint(codePoint);
            bytes += size;
            offset += Character.charCount(codePoint);
        }
        return out.toString().strip();
    }

    /** The parameters the WeChat SDK in the app (APP) or WeixinJSBridge (JSAPI) opens the payment with. */
    private Map<String, String> appParameters(WechatPayAccount account, Scene scene, String prepayId) {
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        String nonce = WechatPayCrypto.nonce();
        Map<String, String> parameters = new LinkedHashMap<>();
        if (scene == Scene.APP) {
            parameters.put("appid", account.appId());
            parameters.put("partnerid", account.merchantId());
            parameters.put("prepayid", prepayId);
            parameters.put("package", "Sign=WXPay");
            parameters.put("noncestr", nonce);
            parameters.put("timestamp", timestamp);
            parameters.put("sign", WechatPayCrypto.sign(account.merchantKey(),
                    WechatPayCrypto.message(account.appId(), timestamp, nonce, prepayId)));
        } else {
            String packageValue = "prepay_id=" + prepayId;
            parameters.put("appId", account.appId());
            parameters.put("timeStamp", timestamp);
            parameters.put("nonceStr", nonce);
            parameters.put("package", packageValue);
            parameters.put("signType", "RSA");
            parameters.put("paySign", WechatPayCrypto.sign(account.merchantKey(),
                    WechatPayCrypto.message(account.appId(), timestamp, nonce, packageValue)));
        }
        return parameters;
    }

    // ---------------------------------------------------------------- query and close

    @Override
    public Mono<ChannelPayment> query(ChannelAccount channelAccount, String paymentId) {
        return Mono.defer(() -> {
            WechatPayAccount account = account(channelAccount);
            URI uri = uri("/v3/pay/transactions/out-trade-no/" + segment(paymentId)
                    + "?mchid=" + UriUtils.encodeQueryParam(account.merchantId(), StandardCharsets.UTF_8));
            return call(account, HttpMethod.GET, uri, NO_BODY)
                    .map(answer -> queriedPayment(answer, paymentId));
        });
    }

    private ChannelPayment queriedPayment(Answer answer, String paymentId) {
        if (answer.isSignedError(404, "ORDER_NOT_EXIST", json)) {
            return new ChannelPayment(paymentId, ChannelPayment.State.NOT_FOUND, null, null, null, null, null, null);
        }
        ChannelPayment payment = payment(success(answer, "query"));
        if (!paymentId.equals(payment.paymentId())) {
            throw invalid("query for " + paymentId + " answered out_trade_no " + payment.paymentId());
        }
        return payment;
    }

    @Override
    public Mono<Void> close(ChannelAccount channelAccount, String paymentId) {
        return Mono.defer(() -> {
            WechatPayAccount account = account(channelAccount);
            ObjectNode body = json.createObjectNode().put("mchid", account.merchantId());
            return call(account, HttpMethod.POST,
                    uri("/v3/pay/transactions/out-trade-no/" + segment(paymentId) + "/close"), bytes(body))
                    .doOnNext(this::closed)
                    .then();
        });
    }

    /** 204 is closed; {@code ORDER_CLOSED} means it already was, which the SPI counts as success. */
    private void closed(Answer answer) {
        if (answer.status() / 100 != 2 && !answer.isSignedError(400, "ORDER_CLOSED", json)) {
            throw failure(answer, "close");
        }
    }

    // ---------------------------------------------------------------- refunds

    @Override
    public Mono<ChannelRefund> refund(ChannelAccount channelAccount, RefundRequest request) {
        return Mono.defer(() -> {
            WechatPayAccount account = account(channelAccount);
            ObjectNode body = json.createObjectNode();
            body.put("out_trade_no", request.paymentId());
            body.put("out_refund_no", request.refundId());
            if (request.reason() != null && !request.reason().isBlank()) {
                body.put("reason", request.reason());
            }
            if (request.notifyUrl() != null) {
                body.put("notify_url", request.notifyUrl());
            }
            ObjectNode amount = body.putObject("amount");
            amount.put("refund", request.amount());
            amount.put("total", request.paymentAmount());
            amount.put("currency", request.currency());
            return call(account, HttpMethod.POST, uri("/v3/refund/domestic/refunds"), bytes(body))
                    .map(answer -> refundOf(success(answer, "refund"), "status", request.paymentId(),
                            request.refundId(), this::invalid));
        });
    }

    @Override
    public Mono<ChannelRefund> queryRefund(ChannelAccount channelAccount, String paymentId, String refundId) {
        return Mono.defer(() -> {
            WechatPayAccount account = account(channelAccount);
            return call(account, HttpMethod.GET, uri("/v3/refund/domestic/refunds/" + segment(refundId)), NO_BODY)
                    .map(answer -> queriedRefund(answer, paymentId, refundId));
        });
    }

    private ChannelRefund queriedRefund(Answer answer, String paymentId, String refundId) {
        if (answer.isSignedError(404, "RESOURCE_NOT_EXISTS", json)) {
            return new ChannelRefund(refundId, paymentId, ChannelRefund.State.NOT_FOUND, null, null, null, null);
        }
        return refundOf(success(answer, "refund query"), "status", paymentId, refundId, this::invalid);
    }

    // ---------------------------------------------------------------- notifications

    @Override
    public Mono<ChannelNotification> verifyNotification(ChannelAccount channelAccount, NotificationRequest request) {
        return Mono.fromCallable(() -> notification(channelAccount, request))
                .onErrorMap(error -> !(error instanceof ChannelException.NotificationRejected),
                        error -> rejected("the notification could not be read: " + error.getMessage()));
    }

    private ChannelNotification notification(ChannelAccount channelAccount, NotificationRequest request) {
        WechatPayAccount account = WechatPayAccount.parse(channelAccount.merchantId(), channelAccount.properties(),
                json).account().orElseThrow(() -> rejected("the account's properties do not validate"));
        byte[] body = request.body();
        signatureProblem(account, request.header(SIGNATURE_TYPE), request.header("Wechatpay-Timestamp"), request.header("Wechatpay-Nonce"),
                request.header("Wechatpay-Signature"), request.header("Wechatpay-Serial"), body)
                .ifPresent(problem -> {
                    throw rejected(problem);
                });
        JsonNode envelope = parse(body).orElseThrow(() -> rejected("the body is not a JSON object"));
        String id = text(envelope, "id").orElseThrow(() -> rejected("no id"));
        String eventType = text(envelope, "event_type").orElseThrow(() -> rejected("no event_type"));
        JsonNode resource = envelope.path("resource");
        if (!AEAD.equals(text(resource, "algorithm").orElse(null))) {
            throw rejected("resource algorithm is not " + AEAD);
        }
        JsonNode content = parse(decrypt(account, resource))
                .orElseThrow(() -> rejected("the decrypted resource is not a JSON object"));
        String originalType = text(resource, "original_type").orElse("");
        return switch (eventType) {
            case "TRANSACTION.SUCCESS" -> transactionNotification(id, originalType, content);
            case "REFUND.SUCCESS", "REFUND.ABNORMAL", "REFUND.CLOSED" ->
                    refundNotification(id, eventType, originalType, content);
            default -> throw rejected("unsupported event_type " + eventType);
        };
    }

    private byte[] decrypt(WechatPayAccount account, JsonNode resource) {
        String nonce = text(resource, "nonce").orElseThrow(() -> rejected("resource has no nonce"));
        String ciphertext = text(resource, "ciphertext").orElseThrow(() -> rejected("resource has no ciphertext"));
        String associatedData = text(resource, "associated_data").orElse(null);
        try {
            return WechatPayCrypto.decryptResource(account.apiV3Key(), nonce, associatedData, ciphertext);
        } catch (GeneralSecurityException e) {
            throw rejected("the resource does not decrypt with the APIv3 key (" + e.getClass().getSimpleName() + ")");
        }
    }

    private ChannelNotification transactionNotification(String id, String originalType, JsonNode content) {
        if (!"transaction".equals(originalType)) {
            throw rejected("TRANSACTION.SUCCESS carries original_type " + originalType);
        }
        ChannelPayment payment;
        try {
            payment = payment(content);
        } catch (ChannelException.InvalidResponse e) {
            throw rejected(e.getMessage());
        }
        if (payment.state() != ChannelPayment.State.SUCCEEDED) {
            throw rejected("TRANSACTION.SUCCESS for a transaction in state " + payment.state());
        }
        return new ChannelNotification.PaymentNotification(id, payment);
    }

    private ChannelNotification refundNotification(String id, String eventType, String originalType,
            JsonNode content) {
        if (!"refund".equals(originalType)) {
            throw rejected(eventType + " carries original_type " + originalType);
        }
        String status = text(content, "refund_status").orElseThrow(() -> rejected("refund has no refund_status"));
        if (!eventType.equals("REFUND." + status)) {
            throw rejected(eventType + " for a refund whose refund_status is " + status);
        }
        ChannelRefund refund = refundOf(content, "refund_status", null, null, this::rejected);
        return new ChannelNotification.RefundNotification(id, refund);
    }

    @Override
    public NotificationReply reply(boolean accepted) {
        if (accepted) {
            return new NotificationReply(204, null, "");
        }
        return new NotificationReply(500, MediaType.APPLICATION_JSON_VALUE,
                "{\"code\":\"FAIL\",\"message\":\"notification not accepted, please send it again\"}");
    }

    // ---------------------------------------------------------------- statement

    @Override
    public Flux<StatementLine> statement(ChannelAccount channelAccount, LocalDate day) {
        return Mono.defer(() -> {
            WechatPayAccount account = account(channelAccount);
            URI uri = uri("/v3/bill/tradebill?bill_date=" + day + "&bill_type=ALL");
            return call(account, HttpMethod.GET, uri, NO_BODY)
                    .flatMap(answer -> bill(account, answer));
        }).flatMapIterable(lines -> lines);
    }

    /** {@code NO_STATEMENT_EXIST} is WeChat's answer for a day without a successful trade: an empty statement. */
    private Mono<List<StatementLine>> bill(WechatPayAccount account, Answer answer) {
        if (answer.isSignedError(400, "NO_STATEMENT_EXIST", json)) {
            return Mono.just(List.of());
        }
        JsonNode bill = success(answer, "trade bill");
        String hashType = requiredText(bill, "hash_type");
        String hashValue = requiredText(bill, "hash_value");
        if (!"SHA1".equals(hashType)) {
            throw invalid("trade bill hash_type " + hashType + ", expected SHA1");
        }
        URI download = downloadUri(requiredText(bill, "download_url"));
        return exchange(account, HttpMethod.GET, download, NO_BODY, MediaType.ALL_VALUE)
                .map(file -> billLines(file, hashValue));
    }

    private URI downloadUri(String text) {
        URI download;
        try {
            download = URI.create(text);
        } catch (IllegalArgumentException e) {
            throw invalid("download_url is not a URL: " + text);
        }
        boolean sameOrigin = Objects.equals(download.getScheme(), baseUrl.getScheme())
                && Objects.equals(download.getHost(), baseUrl.getHost())
                && download.getPort() == baseUrl.getPort();
        if (!sameOrigin) {
            throw invalid("download_url " + text + " is not on " + baseUrl + "; a signed request goes nowhere else");
        }
        return download;
    }

    private List<StatementLine> billLines(Answer file, String expectedSha1) {
        if (file.status() / 100 != 2) {
            throw failure(file, "trade bill download");
        }
        String actual = WechatPayCrypto.sha1Hex(file.body());
        if (!MessageDigest.isEqual(actual.getBytes(StandardCharsets.US_ASCII),
                expectedSha1.toLowerCase().getBytes(StandardCharsets.US_ASCII))) {
            throw invalid("trade bill SHA-1 " + actual + " differs from the signed hash_value " + expectedSha1);
        }
        try {
            return WechatPayTradeBill.parse(file.body());
        } catch (WechatPayTradeBill.MalformedBill e) {
            throw invalid("trade bill: " + e.getMessage());
        }
    }

    // ---------------------------------------------------------------- mapping WeChat's JSON

    private ChannelPayment payment(JsonNode transaction) {
        String tradeState = requiredText(transaction, "trade_state");
        ChannelPayment.State state = switch (tradeState) {
            case "SUCCESS" -> ChannelPayment.State.SUCCEEDED;
            case "REFUND" -> ChannelPayment.State.REFUNDED;
            case "NOTPAY", "USERPAYING" -> ChannelPayment.State.PENDING;
            case "CLOSED", "REVOKED" -> ChannelPayment.State.CLOSED;
            case "PAYERROR" -> ChannelPayment.State.FAILED;
            default -> throw invalid("unknown trade_state " + tradeState);
        };
        JsonNode amount = transaction.path("amount");
        return new ChannelPayment(requiredText(transaction, "out_trade_no"), state,
                text(transaction, "mchid").orElse(null), amount(amount, "total").orElse(null),
                text(amount, "currency").orElse(null), text(transaction, "transaction_id").orElse(null),
                time(transaction, "success_time", this::invalid), null);
    }

    private ChannelRefund refundOf(JsonNode refund, String statusField, String expectedPaymentId,
            String expectedRefundId, java.util.function.Function<String, ChannelException> failure) {
        String status = text(refund, statusField).orElseThrow(() -> failure.apply("refund has no " + statusField));
        ChannelRefund.State state = switch (status) {
            case "SUCCESS" -> ChannelRefund.State.SUCCEEDED;
            case "PROCESSING" -> ChannelRefund.State.PENDING;
            case "CLOSED", "ABNORMAL" -> ChannelRefund.State.FAILED;
            default -> throw failure.apply("unknown refund status " + status);
        };
        String refundId = text(refund, "out_refund_no").orElseThrow(() -> failure.apply("refund has no out_refund_no"));
        String paymentId = text(refund, "out_trade_no").orElseThrow(() -> failure.apply("refund has no out_trade_no"));
        if (expectedRefundId != null && !expectedRefundId.equals(refundId)) {
            throw failure.apply("asked about refund " + expectedRefundId + ", answered " + refundId);
        }
        if (expectedPaymentId != null && !expectedPaymentId.equals(paymentId)) {
            throw failure.apply("refund " + refundId + " is of " + paymentId + ", not " + expectedPaymentId);
        }
        JsonNode amount = refund.path("amount");
        Long refunded = amount(amount, "refund").orElseThrow(() -> failure.apply("refund has no amount.refund"));
        return new ChannelRefund(refundId, paymentId, state, text(refund, "refund_id").orElse(null), refunded,
                text(amount, "currency").orElse(null), time(refund, "success_time", failure));
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isString() && !value.stringValue().isEmpty() ? Optional.of(value.stringValue())
                : Optional.empty();
    }

    private String requiredText(JsonNode node, String field) {
        return text(node, field).orElseThrow(() -> invalid("the answer has no " + field));
    }

    private Optional<Long> amount(JsonNode node, String field) {
        JsonNode value = node.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return Optional.empty();
        }
        if (!value.isIntegralNumber() || !value.canConvertToLong()) {
            throw invalid(field + " is not a whole number of fen: " + value);
        }
        return Optional.of(value.longValue());
    }

    private static Instant time(JsonNode node, String field,
            java.util.function.Function<String, ChannelException> failure) {
        Optional<String> text = text(node, field);
        if (text.isEmpty()) {
            return null;
        }
        try {
            return OffsetDateTime.parse(text.get()).toInstant();
        } catch (DateTimeParseException e) {
            throw failure.apply(field + " is not an RFC 3339 time: " + text.get());
        }
    }

    private Optional<JsonNode> parse(byte[] body) {
        try {
            JsonNode node = json.readTree(body);
            return node != null && node.isObject() ? Optional.of(node) : Optional.empty();
        } catch (JacksonException e) {
            return Optional.empty();
        }
    }

    // ---------------------------------------------------------------- answers and errors

    /** A 2xx answer's JSON object; any other answer becomes its typed failure. */
    private JsonNode success(Answer answer, String operation) {
        if (answer.status() / 100 != 2) {
            throw failure(answer, operation);
        }
        return parse(answer.body()).orElseThrow(() -> invalid(operation + " answered something that is not JSON"));
    }

    private ChannelException failure(Answer answer, String operation) {
        Optional<JsonNode> error = parse(answer.body());
        String code = error.flatMap(node -> text(node, "code")).orElse(null);
        String message = error.flatMap(node -> text(node, "message")).orElse("");
        int status = answer.status();
        String what = operation + " answered " + status + " " + (code == null ? "" : code + " ") + message;
        if (status == 429 || "FREQUENCY_LIMITED".equals(code)) {
            return new ChannelException.Unavailable(KIND, what + " (refused before processing)", null);
        }
        if (status >= 500 || "SYSTEM_ERROR".equals(code)) {
            return new ChannelException.Timeout(KIND, what + " (outcome unknown: WeChat asks to retry the same call)",
                    null);
        }
        if (status >= 400 && code != null) {
            return new ChannelException.Rejected(KIND, code, message);
        }
        return invalid(what + " (not an answer WeChat documents)");
    }

    private ChannelException.InvalidResponse invalid(String message) {
        return new ChannelException.InvalidResponse(KIND, message, null);
    }

    private ChannelException.NotificationRejected rejected(String reason) {
        return new ChannelException.NotificationRejected(KIND, reason);
    }

    // ---------------------------------------------------------------- signing, sending, verifying

    /** An answer as it arrived; nothing of it is used before {@link #verified} passes it. */
    private record Answer(int status, HttpHeaders headers, byte[] body, boolean signed) {

        /** WeChat's error code, believed only from a signed answer (an unsigned one may only make a call fail). */
        boolean isSignedError(int expectedStatus, String code, JsonMapper json) {
            if (!signed || status != expectedStatus) {
                return false;
            }
            try {
                JsonNode error = json.readTree(body);
                return error != null && code.equals(error.path("code").asString(""));
            } catch (JacksonException e) {
                return false;
            }
        }
    }

    private Mono<Answer> call(WechatPayAccount account, HttpMethod method, URI uri, byte[] body) {
        return exchange(account, method, uri, body, MediaType.APPLICATION_JSON_VALUE)
                .map(answer -> verified(account, answer));
    }

    /** One signed request; transport failures become Unavailable or Timeout, nothing else is judged here. */
    private Mono<Answer> exchange(WechatPayAccount account, HttpMethod method, URI uri, byte[] body, String accept) {
        return Mono.defer(() -> send(account, method, uri, body, accept))
                .timeout(timeout)
                .onErrorMap(error -> !(error instanceof ChannelException), error -> transportFailure(uri, error));
    }

    private Mono<Answer> send(WechatPayAccount account, HttpMethod method, URI uri, byte[] body, String accept) {
        WebClient.RequestBodySpec request = webClient.method(method)
                .uri(uri)
                .header(HttpHeaders.AUTHORIZATION, authorization(account, method, uri, body))
                .header(HttpHeaders.ACCEPT, accept)
                .header(HttpHeaders.USER_AGENT, USER_AGENT);
        WebClient.RequestHeadersSpec<?> withBody = body.length == 0 ? request
                : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
        return withBody.exchangeToMono(response -> response.bodyToMono(byte[].class)
                .defaultIfEmpty(NO_BODY)
                .map(bytes -> new Answer(response.statusCode().value(), response.headers().asHttpHeaders(), bytes,
                        false)));
    }

    /** {@code WECHATPAY2-SHA256-RSA2048 mchid=…} over {@code METHOD\nURL\ntimestamp\nnonce\nbody\n}. */
    private String authorization(WechatPayAccount account, HttpMethod method, URI uri, byte[] body) {
        String timestamp = Long.toString(clock.instant().getEpochSecond());
        String nonce = WechatPayCrypto.nonce();
        String canonicalUrl = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        String signature = WechatPayCrypto.sign(account.merchantKey(),
                WechatPayCrypto.message(method.name(), canonicalUrl, timestamp, nonce, body));
        return SCHEMA + " mchid=\"" + account.merchantId() + "\",nonce_str=\"" + nonce + "\",signature=\""
                + signature + "\",timestamp=\"" + timestamp + "\",serial_no=\"" + account.merchantSerialNo() + "\"";
    }

    private ChannelException transportFailure(URI uri, Throwable error) {
        String where = uri.getRawPath();
        if (error instanceof TimeoutException) {
            return new ChannelException.Timeout(KIND, where + " not answered within " + timeout, error);
        }
        if (error instanceof DataBufferLimitException) {
            return new ChannelException.InvalidResponse(KIND, where + " answered more than " + MAX_ANSWER_BYTES
                    + " bytes", error);
        }
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof UnknownHostException) {
                return new ChannelException.Unavailable(KIND, where + " not reached: " + cause.getMessage(), error);
            }
        }
        return new ChannelException.Timeout(KIND, where + " failed after it may have been sent: " + error, error);
    }

    private Answer verified(WechatPayAccount account, Answer answer) {
        HttpHeaders headers = answer.headers();
        String timestamp = headers.getFirst("Wechatpay-Timestamp");
        String nonce = headers.getFirst("Wechatpay-Nonce");
        String signature = headers.getFirst("Wechatpay-Signature");
        String serial = headers.getFirst("Wechatpay-Serial");
        boolean unsigned = timestamp == null && nonce == null && signature == null && serial == null;
        if (unsigned && answer.status() / 100 != 2) {
            return answer;
        }
        signatureProblem(account, headers.getFirst(SIGNATURE_TYPE), timestamp, nonce, signature, serial,
                answer.body())
                .ifPresent(problem -> {
                    throw invalid("answer " + answer.status() + " refused: " + problem);
                });
        return new Answer(answer.status(), headers, answer.body(), true);
    }

    /** Why a signed message (answer or notification) must not be believed, or empty when it verifies. */
    private Optional<String> signatureProblem(WechatPayAccount account, String signatureType, String timestamp,
            String nonce, String signature, String serial, byte[] body) {
        if (signatureType != null && !SCHEMA.equals(signatureType)) {
            return Optional.of("Wechatpay-Signature-Type " + signatureType + " is not " + SCHEMA);
        }
        if (timestamp == null || nonce == null || signature == null || serial == null) {
            return Optional.of("a Wechatpay-Timestamp, -Nonce, -Signature or -Serial header is missing");
        }
        Optional<PublicKey> key = account.platformKey(serial);
        if (key.isEmpty()) {
            return Optional.of("unknown platform key serial " + serial);
        }
        Instant signedAt;
        try {
            signedAt = Instant.ofEpochSecond(Long.parseLong(timestamp));
        } catch (NumberFormatException | java.time.DateTimeException e) {
            return Optional.of("Wechatpay-Timestamp is not epoch seconds: " + timestamp);
        }
        Duration skew = Duration.between(signedAt, clock.instant()).abs();
        if (skew.compareTo(TIMESTAMP_WINDOW) > 0) {
            return Optional.of("Wechatpay-Timestamp " + timestamp + " is " + skew.toSeconds()
                    + " s from our clock, outside ±" + TIMESTAMP_WINDOW.toMinutes() + " min");
        }
        if (!WechatPayCrypto.verify(key.get(), WechatPayCrypto.message(timestamp, nonce, body), signature)) {
            return Optional.of("signature does not verify with platform key " + serial);
        }
        return Optional.empty();
    }

    // ---------------------------------------------------------------- small helpers

    private WechatPayAccount account(ChannelAccount account) {
        if (account.kind() != KIND) {
            throw new ChannelException.Rejected(KIND, "wrong_channel_account",
                    account + " is not a WeChat Pay account; no request was sent");
        }
        return WechatPayAccount.parse(account.merchantId(), account.properties(), json).account()
                .orElseThrow(() -> new ChannelException.Rejected(KIND, "invalid_account",
                        account + " has properties that do not validate; no request was sent"));
    }

    private URI uri(String pathAndQuery) {
        String base = baseUrl.toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + pathAndQuery);
    }

    private static String segment(String value) {
        return UriUtils.encodePathSegment(value, StandardCharsets.UTF_8);
    }

    private byte[] bytes(ObjectNode body) {
        return json.writeValueAsBytes(body);
    }
}
