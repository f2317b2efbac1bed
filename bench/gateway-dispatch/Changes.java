import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Routing changes at a fixed rate through the real API: an operator suspends and resumes services through the
 * gateway's /v1/registry/services/{id}/suspend|resume (one registry transaction each: status, routing feed version,
 * outbox event, catalog, audit), while wrk loads another service. Then checks that every gateway answer for the
 * changed services matches the last change (suspended: 404 service_suspended; resumed: 200).
 *
 * <p>Usage: {@code java Changes.java <gateway-url> <changes-per-second> <seconds> <client-id> <secret> <id:code>...}
 * Exit code 0 when every change was accepted (2xx) and every final state is visible at the gateway.
 */
public class Changes {

    public static void main(String[] args) throws Exception {
        String gateway = args[0];
        double rate = Double.parseDouble(args[1]);
        int seconds = Integer.parseInt(args[2]);
        String clientId = args[3];
        String secret = args[4];
        List<String[]> targets = new ArrayList<>();
        for (int i = 5; i < args.length; i++) {
            targets.add(args[i].split(":", 2));
        }
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        String token = token(http, gateway, clientId, secret);

        int total = (int) Math.round(rate * seconds);
        long period = Math.round(1_000_000_000L / rate);
        AtomicInteger next = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(total);
        Map<String, Integer> statuses = Collections.synchronizedMap(new TreeMap<>());
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        long[] window = new long[2];
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        long started = System.nanoTime();
        timer.scheduleAtFixedRate(() -> {
            int k = next.getAndIncrement();
            if (k >= total) {
                return;
            }
            if (k == total - 1) {
                window[1] = System.nanoTime();
            }
            String[] target = targets.get(k % targets.size());
            boolean suspend = (k / targets.size()) % 2 == 0;
            HttpRequest request = HttpRequest.newBuilder(URI.create(gateway + "/v1/registry/services/" + target[0]
                            + (suspend ? "/suspend" : "/resume")))
                    .timeout(Duration.ofSeconds(30))
                    .header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .POST(suspend ? HttpRequest.BodyPublishers.ofString("{\"reason\":\"benchmark change\"}")
                            : HttpRequest.BodyPublishers.noBody())
                    .build();
            long sent = System.nanoTime();
            http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
                String key = error != null ? "error " + error.getClass().getSimpleName() : String.valueOf(response.statusCode());
                statuses.merge(key, 1, Integer::sum);
                if (error == null && response.statusCode() / 100 != 2) {
                    System.out.println("change " + k + " (" + target[1] + "): " + response.statusCode() + " " + response.body());
                }
                latencies.add((System.nanoTime() - sent) / 1_000_000);
                done.countDown();
            });
        }, 0, period, TimeUnit.NANOSECONDS);
        boolean finished = done.await(seconds + 120L, TimeUnit.SECONDS);
        timer.shutdownNow();
        double sendSeconds = (window[1] - started) / 1e9;
        double allSeconds = (System.nanoTime() - started) / 1e9;

        List<Long> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        int ok = statuses.entrySet().stream().filter(e -> e.getKey().startsWith("2")).mapToInt(Map.Entry::getValue).sum();
        System.out.printf("changes requested: %d at %.1f/s over %.1f s (last answer after %.1f s)%s%n", total,
                (total - 1) / Math.max(sendSeconds, 1e-9), sendSeconds, allSeconds, finished ? "" : " — TIMED OUT");
        System.out.printf("answers: %s%n", statuses);
        System.out.printf("completed changes per second: %.2f%n", ok / allSeconds);
        if (!sorted.isEmpty()) {
            System.out.printf("change latency ms: p50 %d, p90 %d, p99 %d, max %d%n", pct(sorted, 50), pct(sorted, 90),
                    pct(sorted, 99), sorted.get(sorted.size() - 1));
        }

        // every changed service must now answer as its last change says, at the gateway
        Thread.sleep(2_000);
        int asExpected = 0;
        for (int j = 0; j < targets.size(); j++) {
            int last = -1;
            for (int k = j; k < total; k += targets.size()) {
                last = k;
            }
            if (last < 0) {
                continue;
            }
            boolean suspended = (last / targets.size()) % 2 == 0;
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gateway + "/s/" + targets.get(j)[1] + "/"))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
            boolean good = suspended ? r.statusCode() == 404 && r.body().contains("\"service_suspended\"") : r.statusCode() == 200;
            if (good) {
                asExpected++;
            } else {
                System.out.println("final state of " + targets.get(j)[1] + " expected " + (suspended ? "suspended" : "published")
                        + ", gateway answered " + r.statusCode() + " " + r.body());
            }
        }
        int checked = Math.min(targets.size(), total);
        System.out.printf("final states visible at the gateway: %d/%d as expected%n", asExpected, checked);
        System.exit(ok == total && asExpected == checked && finished ? 0 : 1);
    }

    static long pct(List<Long> sorted, int p) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    static String token(HttpClient http, String gateway, String clientId, String secret) throws Exception {
        String basic = Base64.getEncoder().encodeToString((clientId + ":" + secret).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(gateway + "/oauth2/token"))
                .header("Authorization", "Basic " + basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=registry:review%20registry:read"))
                .build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
        if (r.statusCode() != 200 || !m.find()) {
            throw new IllegalStateException("no operator token: " + r.statusCode() + " " + r.body());
        }
        return m.group(1);
    }
}
