package org.civicstack.payments.merchant;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.nio.charset.StandardCharsets;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.civicstack.payments.PaymentsProperties;
import org.civicstack.payments.channel.ChannelKind;
import org.civicstack.payments.channel.PaymentChannel;
import org.civicstack.payments.channel.PaymentChannels;
import org.civicstack.payments.common.Caller;
import org.civicstack.payments.common.CallerResolver;
import org.civicstack.platform.api.LenientJson;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.FieldViolation;
import org.civicstack.platform.net.UnsafeUpstreamException;
import org.civicstack.platform.net.UpstreamUrlCheck;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * The agency's merchant account: settlement details, webhook endpoint and signing secret, and its accounts at the
 * channels (merchant ids and keys; secrets sealed at rest and never shown again). Scope {@code payments:merchant}.
 */
@RestController
@RequestMapping("/v1/payments/merchant")
@Tag(name = "merchant", description = "An agency's merchant account, channel accounts and webhook secret")
public class MerchantController {

    /** How long a rotated-out webhook secret keeps signing beside the new one. */
    static final Duration SECRET_OVERLAP = Duration.ofHours(24);

    private final MerchantStore merchants;
    private final PaymentChannels channels;
    private final CallerResolver callers;
    private final LenientJson lenient;
    private final UpstreamUrlCheck urls;
    private final SecretBox box;
    private final TransactionalOperator tx;
    private final PaymentsProperties properties;
    private final Clock clock;

    public MerchantController(MerchantStore merchants, PaymentChannels channels, CallerResolver callers,
            LenientJson lenient, UpstreamUrlCheck urls, SecretBox box, TransactionalOperator tx,
            PaymentsProperties properties, Clock clock) {
        this.merchants = merchants;
        this.channels = channels;
        this.callers = callers;
        this.lenient = lenient;
        this.urls = urls;
        this.box = box;
        this.tx = tx;
        this.properties = properties;
        this.clock = clock;
    }

    /** The body of PUT /v1/payments/merchant. */
    public record MerchantRequest(String displayName, Settlement settlement, String webhookUrl) {
    }

    /** Where the platform settles the agency's takings. */
    public record Settlement(String accountName, String bankName, String accountNumber) {
    }

    /** The body of PUT /v1/payments/merchant/channels/{channel}. */
    public record ChannelAccountRequest(String merchantId, Map<String, String> properties, Boolean enabled) {
    }

    @PutMapping
    @Operation(operationId = "putMerchant", summary = "Create or update the agency's merchant account; the first call returns the webhook signing secret once")
    public Mono<ResponseEntity<Map<String, Object>>> put(@RequestBody JsonNode body) {
        return callers.agency(Caller.MERCHANT).flatMap(caller -> {
            String agency = caller.requireAgency();
            LenientJson.Read<MerchantRequest> read = lenient.read(body, MerchantRequest.class);
            MerchantRequest request = read.value();
            List<FieldViolation> rules = new ArrayList<>();
            if (blank(request.displayName()) || request.displayName().length() > 200) {
                rules.add(new FieldViolation("display_name", "required", "a name of 1-200 characters is required"));
            }
            Settlement s = request.settlement();
            if (s == null) {
                rules.add(new FieldViolation("settlement", "required", "settlement details are required"));
            } else {
                if (blank(s.accountName())) {
                    rules.add(new FieldViolation("settlement.account_name", "required", "is required"));
                }
                if (blank(s.bankName())) {
                    rules.add(new FieldViolation("settlement.bank_name", "required", "is required"));
                }
                if (s.accountNumber() == null || !s.accountNumber().matches("[0-9]{8,32}")) {
                    rules.add(new FieldViolation("settlement.account_number", "invalid_format", "8-32 digits"));
                }
            }
            List<FieldViolation> all = read.merge(rules);
            if (!all.isEmpty()) {
                return Mono.error(ApiProblem.validation(all));
            }
            Mono<String> webhook = blank(request.webhookUrl()) ? Mono.just("")
                    : urls.check(request.webhookUrl()).map(url -> url.toString())
                            .onErrorMap(UnsafeUpstreamException.class, e -> ApiProblem.validation(List.of(
                                    new FieldViolation("webhook_url", "unsafe_url", e.getMessage()))));
            return webhook.flatMap(url -> {
                var now = clock.instant();
                Map<String, String> settlement = new LinkedHashMap<>();
                settlement.put("account_name", s.accountName());
                settlement.put("bank_name", s.bankName());
                settlement.put("account_number_last4", s.accountNumber().substring(s.accountNumber().length() - 4));
                settlement.put("account_number_sealed", Base64.getEncoder().encodeToString(
                        box.seal(s.accountNumber().getBytes(StandardCharsets.UTF_8), "settlement:" + agency)));
                return merchants.upsert(agency, request.displayName(), settlement, url.isEmpty() ? null : url, now)
                        .flatMap(created -> created
                                ? merchants.rotateWebhookSecret(agency, now, Duration.ZERO)
                                        .flatMap(secret -> view(agency, secret)).map(v -> ResponseEntity.status(HttpStatus.CREATED).body(v))
                                : view(agency, null).map(ResponseEntity::ok))
                        .as(tx::transactional);
            });
        });
    }

    @GetMapping
    @Operation(operationId = "getMerchant", summary = "The agency's merchant account and channel accounts (no secrets)")
    public Mono<Map<String, Object>> get() {
        return callers.agency(Caller.MERCHANT, Caller.READ).flatMap(caller -> view(caller.requireAgency(), null));
    }

    @PostMapping("/webhook-secret/rotate")
    @Operation(operationId = "rotateWebhookSecret", summary = "A new webhook signing secret (shown once); the old one keeps signing for 24 h")
    public Mono<Map<String, Object>> rotate() {
        return callers.agency(Caller.MERCHANT).flatMap(caller -> {
            String agency = caller.requireAgency();
            return existing(agency)
                    .then(merchants.rotateWebhookSecret(agency, clock.instant(), SECRET_OVERLAP))
                    .as(tx::transactional)
                    .map(secret -> Map.<String, Object>of("webhook_secret", secret,
                            "previous_secret_retires_at", clock.instant().plus(SECRET_OVERLAP).toString()));
        });
    }

    @GetMapping("/channels")
    @Operation(operationId = "listChannels", summary = "The channels this platform offers, where to open an account at each, and the agency's account there if any")
    public Mono<Map<String, Object>> listChannels() {
        return callers.agency(Caller.MERCHANT, Caller.READ).flatMap(caller -> merchants.accounts(caller.requireAgency())
                .collectMap(MerchantStore.AccountSummary::channel)
                .map(accounts -> {
                    List<Map<String, Object>> data = new ArrayList<>();
                    for (ChannelKind kind : ChannelKind.values()) {
                        channels.find(kind).ifPresent(adapter -> {
                            Map<String, Object> item = new LinkedHashMap<>();
                            item.put("channel", kind.wire());
                            item.put("merchant_portal", adapter.merchantPortal().toString());
                            item.put("secret_properties", adapter.secretProperties().stream().sorted().toList());
                            MerchantStore.AccountSummary account = accounts.get(kind);
                            item.put("account", account == null ? null : accountView(account));
                            data.add(item);
                        });
                    }
                    return Map.<String, Object>of("data", data);
                }));
    }

    @PutMapping("/channels/{channel}")
    @Operation(operationId = "putChannelAccount", summary = "Enable or update the agency's account at a channel")
    public Mono<Map<String, Object>> putChannel(@PathVariable String channel, @RequestBody JsonNode body) {
        return callers.agency(Caller.MERCHANT).flatMap(caller -> {
            String agency = caller.requireAgency();
            ChannelKind kind = ChannelKind.fromWire(channel).orElseThrow(() -> ApiProblem.notFound("unknown_channel",
                    "No channel " + channel + "; channels: wechat_pay, alipay, sandbox."));
            PaymentChannel adapter = channels.find(kind).orElseThrow(() -> ApiProblem.unprocessable(
                    "channel_not_offered", "This platform does not offer " + channel + "."));
            LenientJson.Read<ChannelAccountRequest> read = lenient.read(body, ChannelAccountRequest.class);
            ChannelAccountRequest request = read.value();
            List<FieldViolation> rules = new ArrayList<>();
            if (blank(request.merchantId()) || request.merchantId().length() > 64) {
                rules.add(new FieldViolation("merchant_id", "required", "the channel's merchant id is required"));
            }
            Map<String, String> props = request.properties() == null ? Map.of() : request.properties();
            if (request.properties() == null) {
                rules.add(new FieldViolation("properties", "required", "the account's properties are required"));
            } else if (!blank(request.merchantId())) {
                rules.addAll(adapter.validate(request.merchantId(), props));
            }
            List<FieldViolation> all = read.merge(rules);
            if (!all.isEmpty()) {
                return Mono.error(ApiProblem.validation(all));
            }
            Map<String, String> open = new LinkedHashMap<>();
            Map<String, String> secret = new LinkedHashMap<>();
            props.forEach((k, v) -> (adapter.secretProperties().contains(k) ? secret : open).put(k, v));
            boolean enabled = request.enabled() == null || request.enabled();
            return existing(agency)
                    .then(merchants.putChannelAccount(agency, kind, request.merchantId(), open, secret, enabled,
                            clock.instant()))
                    .flatMap(id -> merchants.accounts(agency).filter(a -> a.id().equals(id)).next())
                    .map(this::accountView);
        });
    }

    private Mono<MerchantStore.Merchant> existing(String agency) {
        return merchants.find(agency).switchIfEmpty(Mono.error(ApiProblem.unprocessable("no_merchant",
                "Create the merchant account first (PUT /v1/payments/merchant).")));
    }

    private Mono<Map<String, Object>> view(String agency, String newSecret) {
        return existing(agency).flatMap(m -> merchants.accounts(agency).map(this::accountView).collectList().map(accounts -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("agency_id", m.agencyId());
            out.put("display_name", m.displayName());
            Map<String, String> settlement = new LinkedHashMap<>(m.settlement());
            settlement.remove("account_number_sealed");
            out.put("settlement", settlement);
            if (m.webhookUrl() != null) {
                out.put("webhook_url", m.webhookUrl());
            }
            out.put("channels", accounts);
            if (newSecret != null) {
                out.put("webhook_secret", newSecret);
            }
            out.put("created_at", m.createdAt().toString());
            out.put("updated_at", m.updatedAt().toString());
            return out;
        }));
    }

    private Map<String, Object> accountView(MerchantStore.AccountSummary a) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", a.id());
        out.put("channel", a.channel().wire());
        out.put("merchant_id", a.merchantId());
        out.put("properties", a.properties());
        out.put("secret_properties_set", channels.find(a.channel()).map(c -> c.secretProperties().stream().sorted().toList())
                .orElse(List.of()));
        out.put("enabled", a.enabled());
        out.put("notification_url", notificationUrl(properties, a.channel(), a.id()));
        out.put("updated_at", a.updatedAt().toString());
        return out;
    }

    /** Where a channel sends this account's notifications: through the gateway, to payments. */
    public static String notificationUrl(PaymentsProperties properties, ChannelKind channel, String accountId) {
        String base = properties.publicBaseUrl().toString().replaceAll("/+$", "");
        return base + "/v1/payments/notifications/" + channel.wire() + "/" + accountId;
    }

    static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
