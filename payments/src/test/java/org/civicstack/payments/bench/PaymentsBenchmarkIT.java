package org.civicstack.payments.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.civicstack.infra.InfraProvisioner;
import org.civicstack.infra.ProvisionedInfra;
import org.civicstack.payments.PaymentsTestSupport;
import org.civicstack.payments.PaymentsTestSupport.Agency;
import org.civicstack.payments.PaymentsTestSupport.Citizen;
import org.civicstack.payments.channel.sandbox.provider.SandboxProvider;
import org.civicstack.payments.channel.sandbox.provider.SandboxProviderSettings;
import org.civicstack.payments.process.PaymentsProcess;
import org.civicstack.payments.process.WebhookReceiver;
import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue #10's benchmark, run by {@code bench/payments/run.sh} ({@code -Dcivicstack.bench=true}): on one PostgreSQL
 * server, in one run, (1) pgbench's {@code simple-update} TPS — the commit rate is the physical limit — and
 * (2) payment orders created and paid per second end to end through the sandbox channel: the agency makes out the
 * order (Idempotency-Key), the citizen opens the cashier with the sandbox, presses "pay" at the provider's checkout,
 * and the provider's signed notification settles it; a payment counts once it is {@code succeeded}. Then (3) webhook
 * deliveries per second: the agency's endpoint refused every delivery during (2), so one event per payment waits;
 * it then answers 204 and the backlog drains. Payments runs in its own JVM ({@link PaymentsProcess}).
 * Prints {@code payments-bench …} lines; asserts only that every payment succeeded once and the ledger balances.
 */
@EnabledIfSystemProperty(named = "civicstack.bench", matches = "true")
class PaymentsBenchmarkIT {

    static final String DATABASE = "civicstack_payments_bench";
    static final int WORKERS = Integer.getInteger("civicstack.bench.workers", 16);
    static final int SECONDS = Integer.getInteger("civicstack.bench.seconds", 30);
    static final int WARMUP = Integer.getInteger("civicstack.bench.warmup", 1500);
    static final int PGBENCH_CLIENTS = Integer.getInteger("civicstack.bench.pgbench-clients", 8);
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .executor(Executors.newFixedThreadPool(4)).build();

    PaymentsProcess payments;
    SandboxProvider provider;

    @Test
    void paymentsPerSecondBesidePgbenchAndWebhookDeliveriesPerSecond() throws Exception {
        provider = SandboxProvider.start(SandboxProviderSettings.defaults().withPort(0));
        WebhookReceiver receiver = WebhookReceiver.start();
        List<String> extra = Arrays.stream(System.getProperty("civicstack.bench.args", "").split(" "))
                .filter(a -> !a.isBlank()).toList();
        payments = new PaymentsProcess(DATABASE, InfraProvisioner.freePort(), concat(extra, List.of(
                "--civicstack.payments.channels.sandbox-base-url=" + provider.baseUri(),
                "--civicstack.upstream-network.loopback-ports=" + receiver.port(),
                "--logging.level.root=WARN",
                "--spring.r2dbc.pool.max-size=" + Integer.getInteger("civicstack.bench.pool", 10))), jvmOptions());
        try {
            payments.start();
            Agency agency = PaymentsTestSupport.anAgency();
            List<Citizen> citizens = new ArrayList<>();
            for (int i = 0; i < WORKERS; i++) {
                citizens.add(PaymentsTestSupport.aCitizen(agency.id()));
            }
            payments.openSandboxMerchant(agency.token(), provider.baseUri(), receiver.url());

            // warm-up (JIT, connection pools), its webhooks delivered
            runPayments(agency, citizens, WARMUP, 0);
            awaitCount("select count(*) from payment where status = 'succeeded'", WARMUP, Duration.ofSeconds(120));

            // (1) pgbench simple-update on the same server
            double pgbenchTps = pgbench();

            // (2) payments, with the agency's endpoint refusing so that (3) has a backlog
            receiver.failing.set(true);
            long before = count("select count(*) from payment where status = 'succeeded'");
            long commitsBefore = commits();
            long started = System.nanoTime();
            Run run = runPayments(agency, citizens, Integer.MAX_VALUE, SECONDS);
            long issued = run.paid();
            awaitCount("select count(*) from payment where status = 'succeeded'", before + issued, Duration.ofSeconds(120));
            double seconds = (System.nanoTime() - started) / 1e9;
            double paymentsPerSecond = issued / seconds;
            double commitsPerPayment = (commits() - commitsBefore) / (double) issued;

            // (3) webhook backlog drains once the agency answers again
            long pendingEvents = count("select count(*) from webhook_event where status = 'pending'");
            receiver.failing.set(false);
            long drainStart = System.nanoTime();
            awaitCount("select count(*) from webhook_event where status = 'delivered'",
                    count("select count(*) from webhook_event"), Duration.ofSeconds(300));
            double drainSeconds = (System.nanoTime() - drainStart) / 1e9;

            assertThat(count("select count(*) from payment where status = 'succeeded'")).isEqualTo(before + issued);
            assertThat(count("select count(*) from webhook_event where type = 'payment.succeeded'"))
                    .isEqualTo(before + issued);
            HttpResponse<String> ledger = HTTP.send(HttpRequest.newBuilder(payments.uri("/v1/payments/ledger/check"))
                    .header("Authorization", "Bearer " + PaymentsTestSupport.operatorToken()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(JSON.readTree(ledger.body()).path("balanced").asBoolean()).as(ledger.body()).isTrue();

            long[] latencies = run.latenciesMillis();
            System.out.printf("payments-bench commits per payment (payments database, incl. sweeper and dispatcher polls): %.1f%n",
                    commitsPerPayment);
            System.out.printf("payments-bench machine: %d cores, %s%n", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("os.name") + " " + System.getProperty("java.version"));
            System.out.printf("payments-bench pgbench simple-update: %.0f tps (%d clients, 20 s)%n", pgbenchTps,
                    PGBENCH_CLIENTS);
            System.out.printf("payments-bench payments created+paid: %.0f /s (%d in %.1f s, %d workers) = %.3fx pgbench%n",
                    paymentsPerSecond, issued, seconds, WORKERS, paymentsPerSecond / pgbenchTps);
            System.out.printf("payments-bench per payment (create + pay + checkout, ms): p50 %d p99 %d%n",
                    percentile(latencies, 50), percentile(latencies, 99));
            for (int step = 0; step < 3; step++) {
                int k = step;
                long[] sorted = STEPS.stream().mapToLong(a -> a[k] / 1_000_000).sorted().toArray();
                System.out.printf("payments-bench step %s ms: p50 %d p99 %d%n", List.of("create order", "cashier pay",
                        "provider checkout").get(step), percentile(sorted, 50), percentile(sorted, 99));
            }
            System.out.printf("payments-bench webhook deliveries: %.0f /s (%d pending events drained in %.1f s)%n",
                    pendingEvents / drainSeconds, pendingEvents, drainSeconds);
        } finally {
            String jfr = System.getProperty("civicstack.bench.jfr", "");
            if (!jfr.isBlank()) { // kill -9 writes nothing: dump the recording first
                new ProcessBuilder("jcmd", Long.toString(payments.pid()), "JFR.dump", "filename=" + jfr).inheritIO()
                        .start().waitFor(60, TimeUnit.SECONDS);
            }
            payments.kill();
            receiver.stop();
            provider.close();
        }
    }

    /** The payments JVM's options; {@code -Dcivicstack.bench.jfr=<file>} records a JFR profile of the whole run. */
    static String[] jvmOptions() {
        String jfr = System.getProperty("civicstack.bench.jfr", "");
        return jfr.isBlank() ? new String[] {"-Xmx1g"}
                : new String[] {"-Xmx1g", "-XX:StartFlightRecording=settings=profile,filename=" + jfr};
    }

    record Run(long paid, long[] latenciesMillis) {
    }

    /** {@code count} payments (or as many as fit in {@code seconds} when it is positive) by {@code WORKERS} workers. */
    Run runPayments(Agency agency, List<Citizen> citizens, int count, int seconds) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(WORKERS);
        AtomicInteger left = new AtomicInteger(count);
        long end = seconds > 0 ? System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds) : Long.MAX_VALUE;
        List<Future<List<Long>>> workers = new ArrayList<>();
        for (int w = 0; w < WORKERS; w++) {
            Citizen citizen = citizens.get(w);
            workers.add(pool.submit(() -> {
                List<Long> took = new ArrayList<>();
                while (System.nanoTime() < end && left.getAndDecrement() > 0) {
                    long t0 = System.nanoTime();
                    payOne(agency, citizen);
                    took.add((System.nanoTime() - t0) / 1_000_000);
                }
                return took;
            }));
        }
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> worker : workers) {
            all.addAll(worker.get());
        }
        pool.shutdown();
        return new Run(all.size(), all.stream().mapToLong(Long::longValue).sorted().toArray());
    }

    static final java.util.concurrent.ConcurrentLinkedQueue<long[]> STEPS = new java.util.concurrent.ConcurrentLinkedQueue<>();

    void payOne(Agency agency, Citizen citizen) throws Exception {
        long t0 = System.nanoTime();
        String id = payments.call(HttpRequest.newBuilder(payments.uri("/v1/payments/orders"))
                .header("Idempotency-Key", UUID.randomUUID().toString())
                .POST(PaymentsProcess.json(Map.of("reference", "B-" + UUID.randomUUID().toString().substring(0, 18),
                        "citizen_subject", citizen.subject(), "amount", 2500, "currency", "CNY",
                        "description", "挂号费 registration fee"))), agency.token(), 201).path("id").asString();
        long t1 = System.nanoTime();
        JsonNode opened = payments.call(HttpRequest.newBuilder(payments.uri("/v1/payments/me/orders/" + id + "/pay"))
                .POST(PaymentsProcess.json(Map.of("channel", "sandbox"))), citizen.token(), 200);
        long t2 = System.nanoTime();
        String order = opened.path("app_parameters").path("order_id").asString();
        HttpResponse<String> paid = HTTP.send(HttpRequest.newBuilder(URI.create(provider.baseUri() + "/v1/checkout/"
                        + order + "/pay")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"outcome\":\"succeed\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(paid.statusCode()).as(paid.body()).isEqualTo(200);
        STEPS.add(new long[] {t1 - t0, t2 - t1, System.nanoTime() - t2});
    }

    static long count(String sql) {
        return Long.parseLong(TestInfrastructure.query(DATABASE, sql).get(0));
    }

    static long commits() {
        return Long.parseLong(TestInfrastructure.query("postgres", "select xact_commit from pg_stat_database where datname = '"
                + DATABASE + "'").get(0));
    }

    static void awaitCount(String sql, long atLeast, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (count(sql) < atLeast) {
            assertThat(System.nanoTime()).as("%s reaches %d within %s", sql, atLeast, within).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    static long percentile(long[] sorted, int p) {
        return sorted.length == 0 ? 0 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    /** pgbench {@code -b simple-update} on a scratch database of the same server; its TPS. */
    static double pgbench() throws IOException, InterruptedException {
        ProvisionedInfra infra = TestInfrastructure.shared();
        TestInfrastructure.execute("postgres", "drop database if exists pgbench_payments");
        TestInfrastructure.execute("postgres", "create database pgbench_payments");
        List<String> connection = List.of("-h", infra.postgresHost(), "-p", Integer.toString(infra.postgresPort()),
                "-U", infra.postgresUsername());
        run(concat(List.of("pgbench", "-i", "-q", "-s", "10"), connection, List.of("pgbench_payments")), infra);
        String out = run(concat(List.of("pgbench", "-n", "-b", "simple-update", "-c", Integer.toString(PGBENCH_CLIENTS),
                "-j", "2", "-T", "20"), connection, List.of("pgbench_payments")), infra);
        Matcher tps = Pattern.compile("tps = ([0-9.]+)").matcher(out);
        assertThat(tps.find()).as(out).isTrue();
        return Double.parseDouble(tps.group(1));
    }

    @SafeVarargs
    static List<String> concat(List<String>... parts) {
        return Arrays.stream(parts).flatMap(List::stream).toList();
    }

    static String run(List<String> command, ProvisionedInfra infra) throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("PGPASSWORD", infra.postgresPassword() == null ? "" : infra.postgresPassword());
        Process process = builder.start();
        String out = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(out).isZero();
        return out;
    }
}
