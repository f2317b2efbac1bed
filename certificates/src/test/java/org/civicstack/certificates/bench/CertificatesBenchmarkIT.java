package org.civicstack.certificates.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jwt.SignedJWT;
import org.civicstack.certificates.BatchResolveStandIn;
import org.civicstack.certificates.CertificatesTestSupport;
import org.civicstack.certificates.keys.Es256;
import org.civicstack.certificates.statuslist.StatusList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Issue #11's benchmark, run by {@code bench/certificates/run.sh} ({@code -Dcivicstack.bench=true}), in one JVM and
 * one run: (1) the raw ES256 signature rate (Nimbus through the provider credentials use, {@code WORKERS} threads, a
 * JWS of a credential's size); (2) issuances per second through the HTTP API ({@code WORKERS} concurrent agency
 * requests, each an Idempotency-Key row, the wallet key, a status list slot, an SD-JWT VC signed and sealed, the
 * insert and the access log in one transaction); (3) the raw ES256 verification rate; (4) verifications per second
 * through the HTTP API (presentations made beforehand, untimed; each verify checks signature, disclosures, key
 * binding, nonce once, status list, type); (5) revocation latency: the revoke call, then until the public status list
 * shows the entry INVALID. The service, PostgreSQL and the load generator share the machine. Prints
 * {@code certificates-bench …} lines; asserts only that every call succeeded, never timing.
 */
@EnabledIfSystemProperty(named = "civicstack.bench", matches = "true")
class CertificatesBenchmarkIT extends CertificatesTestSupport {

    static final int WORKERS = Integer.getInteger("civicstack.bench.workers", 8);
    static final int SECONDS = Integer.getInteger("civicstack.bench.seconds", 20);
    static final int RAW_SECONDS = Integer.getInteger("civicstack.bench.raw-seconds", 5);
    static final int VERIFICATIONS = Integer.getInteger("civicstack.bench.verifications", 2000);
    static final int REVOCATIONS = Integer.getInteger("civicstack.bench.revocations", 50);
    static final int BATCH_SIZE = Integer.getInteger("civicstack.bench.batch-size", 500);
    static final int BATCH_WORKERS = Integer.getInteger("civicstack.bench.batch-workers", 4);

    WebClient http;
    /** Calls that did not answer as expected: counted, printed and asserted zero at the end (never timing). */
    final AtomicLong issuanceErrors = new AtomicLong();
    final AtomicLong presentationErrors = new AtomicLong();
    final AtomicLong revocationErrors = new AtomicLong();
    final ConcurrentLinkedQueue<String> firstErrors = new ConcurrentLinkedQueue<>();

    @Test
    void issuancesAndVerificationsPerSecondBesideTheRawSignatureRate() throws Exception {
        http = WebClient.builder().baseUrl("http://localhost:" + port)
                .codecs(c -> c.defaultCodecs().maxInMemorySize(4 * 1024 * 1024)).build();
        print("certificates-bench machine: %d CPUs, JDK %s, ES256 provider %s, workers %d, issuance phase %d s",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), Es256.providerName(),
                WORKERS, SECONDS);
        Agency agency = anAgency();
        String type = registerType(agency);
        // every issuance goes to a new citizen, as in a city (a second one of the type would supersede the first):
        // identity's stand-in answers any bench subject with a citizen reference equal to it
        identity.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(
                        com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo("/v1/identity/citizen-references/resolve"))
                .atPriority(2)
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath("$.subject",
                        com.github.tomakehurst.wiremock.client.WireMock.matching("bench_.*")))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson(
                                "{\"citizen_ref\":\"{{jsonPath request.body '$.subject'}}\"}")
                        .withTransformers("response-template")));
        // warm up the issuance path (JIT, pools, the identity client's token)
        int warmedUp = issueFor(agency, type, Integer.getInteger("civicstack.bench.warmup", 3000), Duration.ofSeconds(120))
                .block().size();

        double rawSign = rawRate(true);
        print("certificates-bench raw ES256 signatures/s: %.0f (%d threads)", rawSign, WORKERS);
        double pipeline = pipelineRate();
        print("certificates-bench issuance pipeline/s (the SD-JWT VC built with salted disclosures and decoys, signed,"
                + " sealed with AES-GCM; no storage): %.0f (%d threads) = %.3fx raw signing", pipeline, WORKERS,
                pipeline / rawSign);

        long started = System.nanoTime();
        List<Issued> issued = issueFor(agency, type, Integer.MAX_VALUE, Duration.ofSeconds(SECONDS)).block();
        double seconds = (System.nanoTime() - started) / 1e9;
        double issuances = issued.size() / seconds;
        print("certificates-bench issuances/s through the API: %.0f (%d in %.1f s) = %.3fx raw signing",
                issuances, issued.size(), seconds, issuances / rawSign);

        // the batch API (POST /v1/certificates/credentials/batch): BATCH_WORKERS concurrent batches of BATCH_SIZE
        BatchResolveStandIn.everySubjectStartingWith("bench_");
        long warmBatches = issueInBatches(agency, type, 20, Duration.ofSeconds(120)).block();
        double[] cpuBefore = cpuSeconds();
        Map<String, Double> threadsBefore = threadCpuSeconds();
        started = System.nanoTime();
        long batched = issueInBatches(agency, type, Integer.MAX_VALUE, Duration.ofSeconds(SECONDS)).block();
        seconds = (System.nanoTime() - started) / 1e9;
        double[] cpuAfter = cpuSeconds();
        Map<String, Double> threadsAfter = threadCpuSeconds();
        double batchRate = batched / seconds;
        print("certificates-bench issuances/s through the batch API: %.0f (%d in %.1f s, batches of %d, %d at a time;"
                        + " %d warm-up) = %.3fx raw signing", batchRate, batched, seconds, BATCH_SIZE, BATCH_WORKERS,
                warmBatches, batchRate / rawSign);
        print("certificates-bench CPU during the batch phase: this JVM (service, identity stand-in, load) %.1f s,"
                        + " PostgreSQL %.1f s, of %.1f s x %d cores; per issuance %.0f us + %.0f us",
                cpuAfter[0] - cpuBefore[0], cpuAfter[1] - cpuBefore[1], seconds,
                Runtime.getRuntime().availableProcessors(), 1e6 * (cpuAfter[0] - cpuBefore[0]) / batched,
                1e6 * (cpuAfter[1] - cpuBefore[1]) / batched);
        StringBuilder groups = new StringBuilder();
        threadsAfter.entrySet().stream()
                .sorted((a, b) -> Double.compare(b.getValue() - threadsBefore.getOrDefault(b.getKey(), 0.0),
                        a.getValue() - threadsBefore.getOrDefault(a.getKey(), 0.0)))
                .limit(8)
                .forEach(e -> groups.append(String.format(" %s %.0f us;", e.getKey(),
                        1e6 * (e.getValue() - threadsBefore.getOrDefault(e.getKey(), 0.0)) / Math.max(1, batched))));
        print("certificates-bench JVM CPU per issuance of the batch phase by thread group:%s", groups);

        double rawVerify = rawRate(false);
        print("certificates-bench raw ES256 verifications/s: %.0f (%d threads)", rawVerify, WORKERS);

        // presentations to verify, made beforehand (untimed), each with its own nonce
        List<Issued> sample = new ArrayList<>(issued.subList(Math.max(0, issued.size() - VERIFICATIONS), issued.size()));
        Collections.shuffle(sample);
        List<String[]> presentations = Flux.fromIterable(sample)
                .flatMap(i -> present(i, agency.id()), WORKERS)
                .collectList().block(Duration.ofMinutes(10));
        AtomicLong failures = new AtomicLong();
        started = System.nanoTime();
        Long verified = Flux.fromIterable(presentations)
                .flatMap(p -> post(agency.token(), "/v1/certificates/verifications",
                        Map.of("presentation", p[0], "nonce", p[1]), null)
                        .doOnNext(status -> {
                            if (status != 200) {
                                error(failures, "verification " + status);
                            }
                        }), WORKERS)
                .count().block(Duration.ofMinutes(10));
        seconds = (System.nanoTime() - started) / 1e9;
        double verifications = verified / seconds;
        print("certificates-bench verifications/s through the API: %.0f (%d in %.1f s) = %.3fx raw verification",
                verifications, verified, seconds, verifications / rawVerify);

        List<Long> latencies = new ArrayList<>();
        List<Long> calls = new ArrayList<>();
        for (int i = 0; i < Math.min(REVOCATIONS, issued.size()); i++) {
            Issued target = issued.get(i);
            long t0 = System.nanoTime();
            Integer revoked = post(agency.token(), "/v1/certificates/credentials/" + target.id() + "/revoke", Map.of(), null)
                    .block();
            long t1 = System.nanoTime();
            if (revoked == null || revoked != 200) {
                error(revocationErrors, "revoke " + target.id() + ": " + revoked);
                continue;
            }
            // a bound so that a list that never shows the revocation ends the run as an error, not a hang
            long giveUp = t1 + Duration.ofSeconds(30).toNanos();
            boolean shown;
            while (!(shown = status(target) == 1) && System.nanoTime() < giveUp) {
                Thread.onSpinWait();
            }
            long t2 = System.nanoTime();
            if (!shown) {
                error(revocationErrors, "status list never showed " + target.id() + " revoked");
                continue;
            }
            calls.add(t1 - t0);
            latencies.add(t2 - t0);
        }
        print("certificates-bench revocation: revoke call p50 %.1f ms p95 %.1f ms; revoke until the public status list"
                        + " shows it p50 %.1f ms p95 %.1f ms max %.1f ms (%d revocations, sequential)",
                percentile(calls, 50), percentile(calls, 95), percentile(latencies, 50), percentile(latencies, 95),
                percentile(latencies, 100), latencies.size());
        print("certificates-bench errors (must be 0): issuances %d of %d (incl. %d warm-up), presentations %d of %d,"
                        + " verifications %d of %d, revocations %d of %d",
                issuanceErrors.get(), warmedUp + issued.size() + warmBatches + batched + issuanceErrors.get(),
                warmedUp + warmBatches,
                presentationErrors.get(), sample.size(), failures.get(), verified, revocationErrors.get(),
                Math.min(REVOCATIONS, issued.size()));
        assertThat(firstErrors).as("first errors").isEmpty();
        assertThat(issuanceErrors.get()).as("issuances refused").isZero();
        assertThat(presentationErrors.get()).as("presentations refused").isZero();
        assertThat(failures.get()).as("verifications refused").isZero();
        assertThat(revocationErrors.get()).as("revocations that failed or never showed").isZero();
    }

    private void error(AtomicLong counter, String what) {
        counter.incrementAndGet();
        if (firstErrors.size() < 5) {
            firstErrors.add(what);
            System.out.println("certificates-bench error: " + what);
        }
    }

    record Issued(String id, String listPath, int index, String subject) {
    }

    private Mono<List<Issued>> issueFor(Agency agency, String type, int max, Duration duration) {
        ConcurrentLinkedQueue<Issued> done = new ConcurrentLinkedQueue<>();
        return calls(WORKERS, max, duration, n -> {
                String subject = "bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
                return http.post().uri("/v1/certificates/credentials")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + agency.token())
                        .header("Idempotency-Key", UUID.randomUUID().toString())
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("type", type, "subject", subject, "claims", Map.of(
                                "full_name", "测试" + n, "birth_date", "1990-03-07", "hours", 12.5, "level", 3)))
                        .exchangeToMono(r -> {
                            if (r.statusCode().value() != 201) {
                                return r.bodyToMono(String.class).defaultIfEmpty("").<Map>flatMap(b -> {
                                    error(issuanceErrors, "issuance " + r.statusCode().value() + " " + b);
                                    return Mono.empty();
                                });
                            }
                            return r.bodyToMono(Map.class);
                        })
                        .map(body -> {
                            @SuppressWarnings("unchecked")
                            Map<String, Object> slot = (Map<String, Object>) body.get("status_list");
                            return new Issued((String) body.get("id"),
                                    java.net.URI.create((String) slot.get("uri")).getPath(),
                                    (Integer) slot.get("idx"), subject);
                        });
            })
                .doOnNext(done::add)
                .then(Mono.fromCallable(() -> new ArrayList<>(done)));
    }

    /**
     * {@code workers} clients, each making {@code call(n)} one after the other with the next number, until {@code max}
     * calls were made or {@code duration} passed.
     */
    private static <T> Flux<T> calls(int workers, int max, Duration duration, java.util.function.Function<Integer, Mono<T>> call) {
        long deadline = System.nanoTime() + duration.toNanos();
        AtomicLong sequence = new AtomicLong();
        return Flux.range(0, workers).flatMap(worker -> Flux.<Integer>generate(sink -> {
            long n = sequence.getAndIncrement();
            if (n >= max || System.nanoTime() > deadline) {
                sink.complete();
            } else {
                sink.next((int) n);
            }
        }).concatMap(call));
    }

    /** Credentials issued in batches of BATCH_SIZE, BATCH_WORKERS batches at a time, each to new citizens. */
    private Mono<Long> issueInBatches(Agency agency, String type, int maxBatches, Duration duration) {
        return calls(BATCH_WORKERS, maxBatches, duration, n -> {
                List<Map<String, Object>> items = new ArrayList<>(BATCH_SIZE);
                for (int i = 0; i < BATCH_SIZE; i++) {
                    items.add(Map.of("type", type, "subject", "bench_" + UUID.randomUUID().toString()
                            .replace("-", "").substring(0, 16), "claims", Map.of("full_name", "测试" + n + "_" + i,
                            "birth_date", "1990-03-07", "hours", 12.5, "level", 3)));
                }
                return http.post().uri("/v1/certificates/credentials/batch")
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + agency.token())
                        .header("Idempotency-Key", UUID.randomUUID().toString())
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(Map.of("credentials", items))
                        .exchangeToMono(r -> r.bodyToMono(Map.class).defaultIfEmpty(Map.of()).map(body -> {
                            Object data = body.get("data");
                            if (r.statusCode().value() != 201 || !(data instanceof List<?> list)
                                    || list.size() != BATCH_SIZE) {
                                error(issuanceErrors, "batch " + r.statusCode().value() + " " + body);
                                return 0L;
                            }
                            return (long) list.size();
                        }));
            })
                .reduce(0L, Long::sum);
    }

    /**
     * CPU seconds of this JVM's live threads by group (the name without its numbers: {@code webflux-http-epoll-#} is
     * the service's HTTP server, {@code reactor-http-epoll-#} the load generator's and identity client's, {@code qtp#}
     * WireMock's, {@code reactor-tcp-epoll-#} r2dbc's, {@code parallel-#} signing).
     */
    private static Map<String, Double> threadCpuSeconds() {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        Map<String, Double> groups = new java.util.HashMap<>();
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long nanos = threads.getThreadCpuTime(info.getThreadId());
            if (nanos > 0) {
                groups.merge(info.getThreadName().replaceAll("\\d+", "#"), nanos / 1e9, Double::sum);
            }
        }
        return groups;
    }

    /** CPU seconds used so far by this JVM and by every process named postgres on the machine (Linux /proc). */
    private static double[] cpuSeconds() {
        double jvm = ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime() / 1e9;
        double postgres = 0;
        java.io.File[] processes = new java.io.File("/proc").listFiles(f -> f.getName().matches("\\d+"));
        for (java.io.File process : processes == null ? new java.io.File[0] : processes) {
            try {
                String stat = java.nio.file.Files.readString(process.toPath().resolve("stat"));
                int close = stat.lastIndexOf(')');
                if (!stat.substring(stat.indexOf('(') + 1, close).equals("postgres")) {
                    continue;
                }
                String[] fields = stat.substring(close + 2).split(" ");
                postgres += (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0; // utime, stime: ticks
            } catch (java.io.IOException | RuntimeException e) {
                // the process ended meanwhile
            }
        }
        return new double[] {jvm, postgres};
    }

    private Mono<String[]> present(Issued issued, String audience) {
        String nonce = UUID.randomUUID().toString();
        return http.post().uri("/v1/certificates/me/credentials/" + issued.id() + "/presentations")
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + citizenToken(issued.subject()))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("audience", audience, "nonce", nonce, "claims", List.of("full_name")))
                .exchangeToMono(r -> {
                    if (r.statusCode().value() != 200) {
                        return r.bodyToMono(String.class).defaultIfEmpty("").<Map>flatMap(b -> {
                            error(presentationErrors, "presentation " + r.statusCode().value() + " " + b);
                            return Mono.empty();
                        });
                    }
                    return r.bodyToMono(Map.class);
                })
                .map(body -> new String[] {(String) body.get("presentation"), nonce});
    }

    private Mono<Integer> post(String token, String path, Object body, String key) {
        var spec = http.post().uri(path).header(HttpHeaders.AUTHORIZATION, "Bearer " + token)
                .contentType(MediaType.APPLICATION_JSON);
        if (key != null) {
            spec = spec.header("Idempotency-Key", key);
        }
        return spec.bodyValue(body).exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().value()));
    }

    private int status(Issued issued) throws Exception {
        String jwt = http.get().uri(issued.listPath()).retrieve().bodyToMono(String.class).block();
        @SuppressWarnings("unchecked")
        Map<String, Object> list = (Map<String, Object>) SignedJWT.parse(jwt).getJWTClaimsSet().getClaim("status_list");
        return StatusList.decode((String) list.get("lst"), 2).get(issued.index());
    }

    @org.springframework.beans.factory.annotation.Autowired
    org.civicstack.certificates.sdjwt.SdJwtVcIssuer issuer;
    @org.springframework.beans.factory.annotation.Autowired
    org.civicstack.certificates.keys.PayloadCipher cipher;

    /** The service's issuance work without the database: what Issuance.sign does per credential. */
    private double pipelineRate() throws Exception {
        ECKey holder = Es256.generate("holder");
        java.net.URI list = java.net.URI.create("http://localhost:8080/v1/certificates/status-lists/sl_bench");
        return timed(() -> {
            java.time.Instant now = java.time.Instant.now();
            String serialized = issuer.issue(org.civicstack.certificates.sdjwt.CredentialRequest.builder()
                    .issuer("http://localhost:8080/v1/certificates/issuers/agy_bench")
                    .type("http://localhost:8080/v1/certificates/types/bench")
                    .issuedAt(now).expiresAt(now.plus(Duration.ofDays(365)))
                    .holderKey(holder.toPublicJWK())
                    .status(new org.civicstack.certificates.statuslist.StatusReference(12345, list))
                    .disclosable("full_name", "测试").disclosable("birth_date", "1990-03-07").disclosable("hours", 12.5)
                    .visible("level", 3L)
                    .build()).serialized();
            cipher.encrypt(serialized.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    "credential:crd_x:citizen".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        });
    }

    interface Work {
        void run() throws Exception;
    }

    /** Runs of {@code work} per second, WORKERS threads, after a 2 s warm-up. */
    private static double timed(Work work) throws Exception {
        AtomicLong count = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        long warmupEnd = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        long end = warmupEnd + Duration.ofSeconds(RAW_SECONDS).toNanos();
        java.util.concurrent.atomic.AtomicReference<Exception> failed = new java.util.concurrent.atomic.AtomicReference<>();
        for (int t = 0; t < WORKERS; t++) {
            Thread thread = new Thread(() -> {
                try {
                    while (System.nanoTime() < end) {
                        work.run();
                        if (System.nanoTime() >= warmupEnd) {
                            count.incrementAndGet();
                        }
                    }
                } catch (Exception e) {
                    failed.set(e);
                }
            });
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        if (failed.get() != null) {
            throw failed.get();
        }
        return count.get() / (double) RAW_SECONDS;
    }

    /** Signatures (or verifications) per second over a credential-sized JWS, WORKERS threads, RAW_SECONDS. */
    private static double rawRate(boolean sign) throws Exception {
        ECKey key = Es256.generate("bench");
        JWSSigner signer = Es256.signer(key);
        JWSVerifier verifier = Es256.verifier(key.toPublicJWK());
        String payload = "{\"iss\":\"http://localhost:8080/v1/certificates/issuers/agy_bench\",\"vct\":\"http://localhost"
                + ":8080/v1/certificates/types/bench\",\"iat\":1796300000,\"exp\":1827836000,\"_sd\":[" + "\"sd-digest-"
                + "0123456789abcdef0123456789abcdef012\",".repeat(6) + "\"x\"],\"_sd_alg\":\"sha-256\",\"cnf\":{\"jwk\":"
                + key.toPublicJWK().toJSONString() + "},\"status\":{\"status_list\":{\"idx\":12345,\"uri\":\"http://"
                + "localhost:8080/v1/certificates/status-lists/sl_0123456789abcdefghij\"}},\"level\":3}";
        JWSObject signed = new JWSObject(new JWSHeader(JWSAlgorithm.ES256), new Payload(payload));
        signed.sign(signer);
        return timed(() -> {
            if (sign) {
                new JWSObject(new JWSHeader(JWSAlgorithm.ES256), new Payload(payload)).sign(signer);
            } else if (!signed.verify(verifier)) {
                throw new IllegalStateException("does not verify");
            }
        });
    }

    private String registerType(Agency agency) {
        String id = "bench_card_" + UUID.randomUUID().toString().substring(0, 8);
        Integer status = post(agency.token(), "/v1/certificates/types", Map.of(
                "id", id, "name", Map.of("zh-CN", "测试证", "en", "Bench card"), "validity_days", 365,
                "claims", List.of(
                        Map.of("name", "full_name", "type", "string", "display", Map.of("zh-CN", "姓名", "en", "Name")),
                        Map.of("name", "birth_date", "type", "date", "display", Map.of("zh-CN", "出生日期", "en", "Born")),
                        Map.of("name", "hours", "type", "number", "display", Map.of("zh-CN", "时长", "en", "Hours")),
                        Map.of("name", "level", "type", "integer", "disclosable", false,
                                "display", Map.of("zh-CN", "星级", "en", "Level")))), null).block();
        assertThat(status).isEqualTo(201);
        return id;
    }

    private static double percentile(List<Long> nanos, int p) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        int at = Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1);
        return sorted.get(Math.max(0, at)) / 1e6;
    }

    private static void print(String format, Object... args) {
        System.out.println(String.format(format, args));
    }
}
