package org.civicstack.payments.reconciliation;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;

import org.civicstack.platform.schedule.PeriodicJob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Reconciles every enabled channel account once a day, for the channel's previous day, after the hour the channels
 * publish their statements (WeChat Pay from 09:00, Alipay from 09:00 or so, Asia/Shanghai; default 10:00). Each
 * (account, day) is claimed in {@code reconciliation_run} before it starts, so any number of instances run it once;
 * a failed attempt (the statement not published yet, the channel down) is retried every {@code retry} until the day
 * ends, and a claim whose instance died is taken over after {@code lease}. The report is the same as
 * {@code POST /v1/payments/reconciliations} writes.
 */
@Component
public class DailyReconciliation extends PeriodicJob {

    private static final Logger log = LoggerFactory.getLogger(DailyReconciliation.class);

    /**
     * {@code civicstack.payments.reconciliation.*}.
     *
     * @param enabled run it (on by default)
     * @param runAfter the channel's local time after which yesterday's statements are fetched
     * @param checkInterval how often an instance looks for a due run
     * @param retry how long after a failed attempt it is tried again
     * @param lease how long a claim is left to its instance before another takes it over
     */
    @ConfigurationProperties("civicstack.payments.reconciliation")
    public record Settings(@DefaultValue("true") boolean enabled, @DefaultValue("10:00") LocalTime runAfter,
            @DefaultValue("5m") Duration checkInterval, @DefaultValue("30m") Duration retry,
            @DefaultValue("30m") Duration lease) {
    }

    private final Reconciler reconciler;
    private final DatabaseClient db;
    private final Clock clock;
    private final Settings settings;

    public DailyReconciliation(Reconciler reconciler, DatabaseClient db, Clock clock, Settings settings) {
        super("Daily reconciliation check", Duration.ofSeconds(5), settings.checkInterval());
        this.reconciler = reconciler;
        this.db = db;
        this.clock = clock;
        this.settings = settings;
    }

    /** The day due for reconciliation at {@code now}: yesterday in the channel's zone, once its statement is out. */
    LocalDate dueDay(Instant now) {
        ZonedDateTime local = now.atZone(Reconciler.CHANNEL_DAY);
        return local.toLocalTime().isBefore(settings.runAfter()) ? null : local.toLocalDate().minusDays(1);
    }

    /** Reconciles every enabled account whose run for the due day is not done and is free to claim; how many ran. */
    public Mono<Integer> runDue(Instant now) {
        LocalDate day = dueDay(now);
        if (day == null) {
            return Mono.just(0);
        }
        return db.sql("select id from merchant_channel_account a where enabled and not exists (select 1 from"
                        + " reconciliation_run r where r.channel_account_id = a.id and r.day = :day and r.finished_at is not null)"
                        + " order by id")
                .bind("day", day)
                .map(row -> row.get("id", String.class))
                .all()
                .concatMap(account -> claim(account, day, now)
                        .filter(Boolean::booleanValue)
                        .flatMap(claimed -> reconcileOne(account, day)))
                .count()
                .map(Long::intValue);
    }

    /** Takes the run: a new row, or one whose last attempt failed long enough ago, or whose instance died. */
    private Mono<Boolean> claim(String account, LocalDate day, Instant now) {
        var at = now.atOffset(ZoneOffset.UTC);
        return db.sql("insert into reconciliation_run (channel_account_id, day, claimed_at) values (:account, :day, :now)"
                        + " on conflict (channel_account_id, day) do update set claimed_at = :now, error = null,"
                        + " attempts = reconciliation_run.attempts + 1"
                        + " where reconciliation_run.finished_at is null and reconciliation_run.claimed_at < :stale"
                        + " returning 1 as claimed")
                .bind("account", account).bind("day", day).bind("now", at)
                .bind("stale", now.minus(settings.retry().compareTo(settings.lease()) < 0 ? settings.retry()
                        : settings.lease()).atOffset(ZoneOffset.UTC))
                .map(row -> true)
                .one()
                .defaultIfEmpty(false);
    }

    private Mono<String> reconcileOne(String account, LocalDate day) {
        return reconciler.reconcile(account, day)
                .flatMap(report -> db.sql("update reconciliation_run set finished_at = :now, report_id = :report"
                                + " where channel_account_id = :account and day = :day")
                        .bind("now", clock.instant().atOffset(ZoneOffset.UTC)).bind("report", report)
                        .bind("account", account).bind("day", day)
                        .fetch().rowsUpdated().thenReturn(report))
                .doOnNext(report -> log.info("Daily reconciliation of {} for {}: report {}", account, day, report))
                .onErrorResume(e -> {
                    // the claim stays unfinished: another attempt after `retry`; the reason is kept for operators
                    log.warn("Daily reconciliation of {} for {} failed (retried later): {}", account, day, e.toString());
                    return db.sql("update reconciliation_run set error = :error where channel_account_id = :account and day = :day")
                            .bind("error", String.valueOf(e.getMessage())).bind("account", account).bind("day", day)
                            .fetch().rowsUpdated().then(Mono.empty());
                });
    }

    @Override
    protected boolean enabled() {
        return settings.enabled();
    }

    @Override
    protected Mono<?> runOnce() {
        return runDue(clock.instant());
    }
}
