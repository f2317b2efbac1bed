package org.civicstack.payments.reconciliation;

import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.civicstack.payments.channel.ChannelAccount;
import org.civicstack.payments.channel.PaymentChannel;
import org.civicstack.payments.channel.PaymentChannels;
import org.civicstack.payments.channel.StatementLine;
import org.civicstack.payments.merchant.MerchantStore;
import org.civicstack.payments.payment.app.PaymentOutcomes;
import org.civicstack.payments.payment.persistence.PaymentStore;
import org.civicstack.payments.refund.app.RefundOutcomes;
import org.civicstack.payments.refund.persistence.RefundStore;
import org.civicstack.platform.api.Ids;
import org.civicstack.platform.api.Sql;
import org.civicstack.platform.error.ApiProblem;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Compares a channel's daily statement for one account with our records of that day (Asia/Shanghai, the channels'
 * day) and reports every difference:
 * <ul>
 * <li>{@code missing_here} — the channel took or returned money we have no record of;</li>
 * <li>{@code missing_at_channel} — we consider a payment or refund done that the statement does not list;</li>
 * <li>{@code amount_differs} — both know it, with different amounts;</li>
 * <li>{@code status_differs} — the channel lists as done what we still have open (a lost notification).</li>
 * </ul>
 * What can be settled automatically is: a {@code status_differs} is settled by asking the channel and applying its
 * answer through the same path as a notification ({@link PaymentOutcomes}, {@link RefundOutcomes}). Everything else
 * stays on the report (and raises an alert) for a person to look at. Each run writes one report with its items.
 */
@Component
public class Reconciler {

    static final ZoneId CHANNEL_DAY = ZoneId.of("Asia/Shanghai");

    private final MerchantStore merchants;
    private final PaymentChannels channels;
    private final PaymentStore payments;
    private final RefundStore refunds;
    private final PaymentOutcomes paymentOutcomes;
    private final RefundOutcomes refundOutcomes;
    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final JsonMapper json;
    private final Clock clock;

    public Reconciler(MerchantStore merchants, PaymentChannels channels, PaymentStore payments, RefundStore refunds,
            PaymentOutcomes paymentOutcomes, RefundOutcomes refundOutcomes, DatabaseClient db, TransactionalOperator tx,
            JsonMapper json, Clock clock) {
        this.merchants = merchants;
        this.channels = channels;
        this.payments = payments;
        this.refunds = refunds;
        this.paymentOutcomes = paymentOutcomes;
        this.refundOutcomes = refundOutcomes;
        this.db = db;
        this.tx = tx;
        this.json = json;
        this.clock = clock;
    }

    /** One difference. */
    record Item(String kind, String paymentId, String refundId, Map<String, Object> ours, Map<String, Object> theirs,
            boolean settled, String resolution) {
    }

    /** Our side of one payment or refund that is done. */
    record Ours(String paymentId, String refundId, long amount, String status) {
        Map<String, Object> view() {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("amount", amount);
            out.put("status", status);
            return out;
        }
    }

    public Mono<String> reconcile(String accountId, LocalDate day) {
        return merchants.account(accountId)
                .switchIfEmpty(Mono.error(ApiProblem.notFound("account_not_found", "No such channel account.")))
                .flatMap(account -> {
                    PaymentChannel channel = channels.find(account.kind()).orElseThrow(() -> ApiProblem.unprocessable(
                            "channel_not_offered", "This platform does not offer " + account.kind().wire() + "."));
                    return channel.statement(account, day).collectList()
                            .flatMap(lines -> ours(accountId, day).flatMap(done -> compare(account, channel, day, lines,
                                    done)));
                });
    }

    private Mono<String> compare(ChannelAccount account, PaymentChannel channel, LocalDate day, List<StatementLine> lines,
            Map<String, Ours> done) {
        Map<String, Ours> unmatched = new HashMap<>(done);
        List<Mono<Item>> items = new ArrayList<>();
        int matched = 0;
        for (StatementLine line : lines) {
            String key = key(line.kind() == StatementLine.Kind.PAYMENT ? line.paymentId() : null, line.refundId());
            Ours ours = unmatched.remove(key);
            if (ours != null) {
                if (ours.amount() != line.amount()) {
                    items.add(Mono.just(new Item("amount_differs", line.paymentId(), line.refundId(), ours.view(),
                            theirs(line), false, null)));
                } else {
                    matched++;
                }
                continue;
            }
            items.add(line.kind() == StatementLine.Kind.PAYMENT ? unknownPayment(account, channel, line)
                    : unknownRefund(account, channel, line));
        }
        for (Ours ours : unmatched.values()) {
            items.add(Mono.just(new Item("missing_at_channel", ours.paymentId(), ours.refundId(), ours.view(), null,
                    false, null)));
        }
        int matchedLines = matched;
        return Flux.concat(items).collectList()
                .flatMap(found -> write(account, day, lines.size(), matchedLines, found));
    }

    /** A statement payment we did not count as done that day: unknown to us, or still open here. */
    private Mono<Item> unknownPayment(ChannelAccount account, PaymentChannel channel, StatementLine line) {
        return payments.find(line.paymentId())
                .filter(p -> account.accountId().equals(p.channelAccountId()))
                .map(java.util.Optional::of)
                .defaultIfEmpty(java.util.Optional.empty())
                .flatMap(found -> {
                    if (found.isEmpty()) {
                        return Mono.just(new Item("missing_here", line.paymentId(), null, null, theirs(line), false,
                                null));
                    }
                    var p = found.get();
                    Map<String, Object> before = new Ours(p.id(), null, p.amount(), p.status().wire()).view();
                    if (p.status().wire().equals("succeeded")) {
                        // done here on another day (a payment around midnight): the amounts still must agree
                        return p.amount() == line.amount() ? Mono.<Item>empty()
                                : Mono.just(new Item("amount_differs", p.id(), null, before, theirs(line), false, null));
                    }
                    return channel.query(account, p.id())
                            .flatMap(view -> paymentOutcomes.apply(account, view, "reconciliation"))
                            .then(payments.find(p.id()))
                            .map(after -> new Item("status_differs", p.id(), null, before, theirs(line),
                                    after.status().wire().equals("succeeded"),
                                    after.status().wire().equals("succeeded") ? "settled_by_query"
                                            : "still_" + after.status().wire()))
                            .onErrorResume(e -> Mono.just(new Item("status_differs", p.id(), null, before,
                                    theirs(line), false, "query_failed")));
                });
    }

    private Mono<Item> unknownRefund(ChannelAccount account, PaymentChannel channel, StatementLine line) {
        if (line.refundId() == null) {
            return Mono.just(new Item("missing_here", line.paymentId(), null, null, theirs(line), false, null));
        }
        return refunds.find(line.refundId())
                .map(java.util.Optional::of)
                .defaultIfEmpty(java.util.Optional.empty())
                .flatMap(found -> {
                    if (found.isEmpty()) {
                        return Mono.just(new Item("missing_here", line.paymentId(), line.refundId(), null,
                                theirs(line), false, null));
                    }
                    var r = found.get();
                    Map<String, Object> before = new Ours(r.paymentId(), r.id(), r.amount(), r.status().wire()).view();
                    if (r.status().wire().equals("succeeded")) {
                        return r.amount() == line.amount() ? Mono.<Item>empty()
                                : Mono.just(new Item("amount_differs", r.paymentId(), r.id(), before, theirs(line),
                                        false, null));
                    }
                    return channel.queryRefund(account, r.paymentId(), r.id())
                            .flatMap(view -> refundOutcomes.apply(account, view, "reconciliation"))
                            .then(refunds.find(r.id()))
                            .map(after -> new Item("status_differs", r.paymentId(), r.id(), before, theirs(line),
                                    after.status().wire().equals("succeeded"),
                                    after.status().wire().equals("succeeded") ? "settled_by_query"
                                            : "still_" + after.status().wire()))
                            .onErrorResume(e -> Mono.just(new Item("status_differs", r.paymentId(), r.id(), before,
                                    theirs(line), false, "query_failed")));
                });
    }

    /** Our payments and refunds of that account completed during that channel day, by key. */
    private Mono<Map<String, Ours>> ours(String accountId, LocalDate day) {
        OffsetDateTime from = day.atStartOfDay(CHANNEL_DAY).toOffsetDateTime().withOffsetSameInstant(ZoneOffset.UTC);
        OffsetDateTime to = day.plusDays(1).atStartOfDay(CHANNEL_DAY).toOffsetDateTime()
                .withOffsetSameInstant(ZoneOffset.UTC);
        Flux<Ours> paid = db.sql("select id, amount, status from payment where channel_account_id = :account"
                        + " and paid_at >= :from and paid_at < :to and status = 'succeeded'")
                .bind("account", accountId).bind("from", from).bind("to", to)
                .map(row -> new Ours(row.get("id", String.class), null, row.get("amount", Long.class),
                        row.get("status", String.class)))
                .all();
        Flux<Ours> refunded = db.sql("select r.id, r.payment_id, r.amount, r.status from refund r join payment p"
                        + " on p.id = r.payment_id where p.channel_account_id = :account and r.status = 'succeeded'"
                        + " and r.completed_at >= :from and r.completed_at < :to")
                .bind("account", accountId).bind("from", from).bind("to", to)
                .map(row -> new Ours(row.get("payment_id", String.class), row.get("id", String.class),
                        row.get("amount", Long.class), row.get("status", String.class)))
                .all();
        return Flux.concat(paid, refunded).collectMap(o -> key(o.refundId() == null ? o.paymentId() : null, o.refundId()));
    }

    static String key(String paymentId, String refundId) {
        return refundId != null ? "refund:" + refundId : "payment:" + paymentId;
    }

    static Map<String, Object> theirs(StatementLine line) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("amount", line.amount());
        out.put("fee", line.fee());
        out.put("status", line.status());
        if (line.channelTransactionId() != null) {
            out.put("channel_transaction_id", line.channelTransactionId());
        }
        if (line.at() != null) {
            out.put("at", line.at().toString());
        }
        return out;
    }

    private Mono<String> write(ChannelAccount account, LocalDate day, int lines, int matched, List<Item> items) {
        String id = Ids.newId("rec");
        Instant now = clock.instant();
        int settled = (int) items.stream().filter(Item::settled).count();
        Mono<Void> report = merchants.agencyOf(account.accountId()).flatMap(agency -> db.sql(
                        "insert into reconciliation_report (id, channel_account_id, agency_id, channel, day,"
                                + " statement_lines, matched, mismatches, settled, created_at) values (:id, :account,"
                                + " :agency, :channel, :day, :lines, :matched, :mismatches, :settled, :now)")
                .bind("id", id).bind("account", account.accountId()).bind("agency", agency)
                .bind("channel", account.kind().wire()).bind("day", day).bind("lines", lines).bind("matched", matched)
                .bind("mismatches", items.size()).bind("settled", settled).bind("now", now.atOffset(ZoneOffset.UTC))
                .fetch().rowsUpdated()).then();
        Flux<Long> rows = Flux.fromIterable(items).concatMap(item -> {
            var spec = db.sql("insert into reconciliation_item (report_id, kind, payment_id, refund_id, ours, theirs,"
                            + " settled, resolution) values (:report, :kind, :payment, :refund, :ours, :theirs,"
                            + " :settled, :resolution)")
                    .bind("report", id).bind("kind", item.kind()).bind("settled", item.settled());
            spec = Sql.bind(spec, "payment", item.paymentId(), String.class);
            spec = Sql.bind(spec, "refund", item.refundId(), String.class);
            spec = Sql.bindJson(spec, "ours", item.ours() == null ? null
                    : json.writeValueAsString(item.ours()));
            spec = Sql.bindJson(spec, "theirs", item.theirs() == null ? null
                    : json.writeValueAsString(item.theirs()));
            spec = Sql.bind(spec, "resolution", item.resolution(), String.class);
            return spec.fetch().rowsUpdated();
        });
        Flux<Void> alerts = Flux.fromIterable(items).filter(item -> !item.settled()).concatMap(item ->
                paymentOutcomes.alert("reconciliation_" + item.kind(), item.paymentId(), Map.of("report_id", id,
                        "day", day.toString(), "refund_id", String.valueOf(item.refundId()))));
        return report.thenMany(rows).thenMany(alerts).then().as(tx::transactional).thenReturn(id);
    }

    /** A report with its items, as operators read it. */
    public Mono<Map<String, Object>> report(String id) {
        Mono<Map<String, Object>> head = db.sql("select id, channel_account_id, agency_id, channel, day, statement_lines,"
                        + " matched, mismatches, settled, created_at from reconciliation_report where id = :id")
                .bind("id", id)
                .map(row -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("id", row.get("id", String.class));
                    out.put("channel_account_id", row.get("channel_account_id", String.class));
                    out.put("agency_id", row.get("agency_id", String.class));
                    out.put("channel", row.get("channel", String.class));
                    out.put("day", row.get("day", LocalDate.class).toString());
                    out.put("statement_lines", row.get("statement_lines", Integer.class));
                    out.put("matched", row.get("matched", Integer.class));
                    out.put("mismatches", row.get("mismatches", Integer.class));
                    out.put("settled", row.get("settled", Integer.class));
                    out.put("created_at", row.get("created_at", OffsetDateTime.class).toInstant().toString());
                    return out;
                })
                .one()
                .switchIfEmpty(Mono.error(ApiProblem.notFound("report_not_found", "No such reconciliation report.")));
        Mono<List<Map<String, Object>>> items = db.sql("select kind, payment_id, refund_id, ours, theirs, settled,"
                        + " resolution from reconciliation_item where report_id = :id order by kind, payment_id")
                .bind("id", id)
                .map(row -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    out.put("kind", row.get("kind", String.class));
                    put(out, "payment_id", row.get("payment_id", String.class));
                    put(out, "refund_id", row.get("refund_id", String.class));
                    String ours = Sql.json(row.get("ours"));
                    String theirs = Sql.json(row.get("theirs"));
                    put(out, "ours", ours == null ? null : json.readTree(ours));
                    put(out, "theirs", theirs == null ? null : json.readTree(theirs));
                    out.put("settled", row.get("settled", Boolean.class));
                    put(out, "resolution", row.get("resolution", String.class));
                    return out;
                })
                .all().collectList();
        return head.zipWith(items, (h, i) -> {
            h.put("items", i);
            return h;
        });
    }

    private static void put(Map<String, Object> out, String key, Object value) {
        if (value != null) {
            out.put(key, value);
        }
    }
}
