package org.civicstack.payments.ledger;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import org.civicstack.payments.channel.ChannelKind;
import org.civicstack.platform.api.Sql;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The double-entry journal of every money movement. Accounts:
 * <ul>
 * <li>{@code channel_clearing:<channel>} — what the channel holds for us (an asset: debit balance);</li>
 * <li>{@code merchant_payable:<agency>} — what we owe the agency (a liability: credit balance).</li>
 * </ul>
 * A captured payment debits clearing and credits the agency's payable; a channel fee the agency bears debits the
 * payable and credits clearing (the channel settles less); a refund reverses the capture for its amount. Entries are
 * signed (debit +, credit −); the database refuses a transaction that does not sum to zero at commit and any update
 * or delete. Each posting is keyed by (kind, payment, refund), so posting the same movement twice posts it once.
 */
@Component
public class Ledger {

    private final DatabaseClient db;

    public Ledger(DatabaseClient db) {
        this.db = db;
    }

    public static String clearing(ChannelKind channel) {
        return "channel_clearing:" + channel.wire();
    }

    public static String payable(String agencyId) {
        return "merchant_payable:" + agencyId;
    }

    /** One line of a posting. */
    public record Line(String account, long amount) {
    }

    public Mono<Boolean> paymentCaptured(String paymentId, ChannelKind channel, String agencyId, long amount,
            String currency, Instant at) {
        return post("payment_captured", paymentId, null, currency, at,
                List.of(new Line(clearing(channel), amount), new Line(payable(agencyId), -amount)));
    }

    public Mono<Boolean> channelFee(String paymentId, ChannelKind channel, String agencyId, long fee, String currency,
            Instant at) {
        if (fee <= 0) {
            return Mono.just(false);
        }
        return post("channel_fee", paymentId, null, currency, at,
                List.of(new Line(payable(agencyId), fee), new Line(clearing(channel), -fee)));
    }

    public Mono<Boolean> refundPaid(String paymentId, String refundId, ChannelKind channel, String agencyId, long amount,
            String currency, Instant at) {
        return post("refund_paid", paymentId, refundId, currency, at,
                List.of(new Line(payable(agencyId), amount), new Line(clearing(channel), -amount)));
    }

    /** Posts once; emits false when this movement was already posted. */
    Mono<Boolean> post(String kind, String paymentId, String refundId, String currency, Instant at, List<Line> lines) {
        var spec = db.sql("insert into ledger_transaction (kind, payment_id, refund_id, at) values (:kind, :payment,"
                        + " :refund, :at) on conflict do nothing returning id")
                .bind("kind", kind).bind("payment", paymentId).bind("at", at.atOffset(ZoneOffset.UTC));
        spec = Sql.bind(spec, "refund", refundId, String.class);
        return spec.map(row -> row.get("id", Long.class)).one()
                .flatMap(id -> Flux.fromIterable(lines)
                        .concatMap(line -> db.sql("insert into ledger_entry (transaction_id, account, amount, currency)"
                                        + " values (:txn, :account, :amount, :currency)")
                                .bind("txn", id).bind("account", line.account()).bind("amount", line.amount())
                                .bind("currency", currency).fetch().rowsUpdated())
                        .then(Mono.just(true)))
                .defaultIfEmpty(false);
    }

    /** The check that the whole ledger balances: totals, and every transaction that does not sum to zero. */
    public record Check(long transactions, long entries, long sum, List<Long> unbalancedTransactions) {
        public boolean balanced() {
            return sum == 0 && unbalancedTransactions.isEmpty();
        }
    }

    public Mono<Check> check() {
        Mono<long[]> totals = db.sql("select (select count(*) from ledger_transaction) as txns, count(*) as entries,"
                        + " coalesce(sum(amount), 0) as total from ledger_entry")
                .map(row -> new long[] {row.get("txns", Long.class), row.get("entries", Long.class),
                        ((Number) row.get("total")).longValue()})
                .one();
        Mono<List<Long>> unbalanced = db.sql("select t.id from ledger_transaction t left join ledger_entry e"
                        + " on e.transaction_id = t.id group by t.id having coalesce(sum(e.amount), 0) <> 0"
                        + " or count(e.id) < 2 order by t.id limit 100")
                .map(row -> row.get("id", Long.class)).all().collectList();
        return Mono.zip(totals, unbalanced).map(t -> new Check(t.getT1()[0], t.getT1()[1], t.getT1()[2], t.getT2()));
    }

    /** An account's balance (sum of its entries). */
    public Mono<Long> balance(String account) {
        return db.sql("select coalesce(sum(amount), 0) as balance from ledger_entry where account = :account")
                .bind("account", account).map(row -> ((Number) row.get("balance")).longValue()).one();
    }
}
