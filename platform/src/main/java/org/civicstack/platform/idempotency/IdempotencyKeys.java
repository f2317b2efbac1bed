package org.civicstack.platform.idempotency;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

import org.civicstack.platform.error.ApiProblem;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Idempotency keys as a table (Stripe's semantics). {@link #claim} runs inside the transaction that does the work:
 * the key's row is inserted first, so a concurrent request with the same key blocks on that uncommitted row until the
 * first transaction ends — then it finds the stored response and replays it (or, if the first rolled back, does the
 * work itself). Never two orders for one key, and a client that retries while the first is still running simply
 * waits for its answer. The same key with a different request (or for another operation) is a 422 problem.
 *
 * <p>Each service that uses it has the {@code idempotency_key} table (payments' V2 and V21 migrations give its shape)
 * and declares the bean. A service whose requests carry personal data (certificates: claim values, ID numbers) gives a
 * secret, and the request fingerprint is then an HMAC that cannot be matched against guessed requests.
 */
public class IdempotencyKeys {

    public static final String HEADER = "Idempotency-Key";

    /** What {@link #claim} found. */
    public sealed interface Claim {
    }

    /** The key is new: do the work and {@link #complete} in the same transaction. */
    public record Fresh() implements Claim {
    }

    /** The key was used for this same request: answer with what was stored. */
    public record Replay(int status, String body) implements Claim {
    }

    private final DatabaseClient db;
    private final JsonMapper json;
    private final byte[] fingerprintKey;

    /** Fingerprints requests with SHA-256. */
    public IdempotencyKeys(DatabaseClient db, JsonMapper json) {
        this(db, json, null);
    }

    /** Fingerprints requests with HMAC-SHA256 under {@code fingerprintKey} (when not {@code null}). */
    public IdempotencyKeys(DatabaseClient db, JsonMapper json, byte[] fingerprintKey) {
        this.db = db;
        this.json = json;
        this.fingerprintKey = fingerprintKey == null ? null : fingerprintKey.clone();
    }

    /** The header's value, checked: 1-255 printable ASCII characters. */
    public static String requireKey(String header) {
        if (header == null) {
            throw ApiProblem.badRequest("idempotency_key_required",
                    "This request must be safe to retry: send an Idempotency-Key header (1-255 characters).");
        }
        if (header.isEmpty() || header.length() > 255 || !header.chars().allMatch(c -> c >= 0x21 && c <= 0x7e)) {
            throw ApiProblem.badRequest("invalid_idempotency_key",
                    "The Idempotency-Key must be 1-255 printable ASCII characters without spaces.");
        }
        return header;
    }

    /** SHA-256 (or HMAC) of the request's canonical JSON (object keys sorted, recursively), plus what it acts on. */
    public byte[] hash(String operation, String target, JsonNode body) {
        byte[] head = (operation + "\n" + target + "\n").getBytes(StandardCharsets.UTF_8);
        byte[] canonical = json.writeValueAsBytes(canonical(body));
        try {
            if (fingerprintKey != null) {
                javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
                mac.init(new javax.crypto.spec.SecretKeySpec(fingerprintKey, "HmacSHA256"));
                mac.update(head);
                return mac.doFinal(canonical);
            }
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(head);
            return digest.digest(canonical);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private Object canonical(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node instanceof ObjectNode object) {
            Map<String, Object> sorted = new TreeMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = object.properties().iterator(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                sorted.put(e.getKey(), canonical(e.getValue()));
            }
            return sorted;
        }
        if (node.isArray()) {
            java.util.List<Object> items = new java.util.ArrayList<>();
            node.forEach(item -> items.add(canonical(item)));
            return items;
        }
        return node;
    }

    public Mono<Claim> claim(String scope, String key, String operation, byte[] requestHash, Instant now,
            Duration retention) {
        return db.sql("insert into idempotency_key (caller, key, operation, request_hash, status, created_at, expires_at)"
                        + " values (:caller, :key, :operation, :hash, 'processing', :now, :expires)"
                        + " on conflict (caller, key) do nothing returning 1 as fresh")
                .bind("caller", scope).bind("key", key).bind("operation", operation).bind("hash", requestHash)
                .bind("now", now.atOffset(ZoneOffset.UTC)).bind("expires", now.plus(retention).atOffset(ZoneOffset.UTC))
                .map(row -> (Claim) new Fresh())
                .one()
                .switchIfEmpty(Mono.defer(() -> existing(scope, key, operation, requestHash)));
    }

    private Mono<Claim> existing(String scope, String key, String operation, byte[] requestHash) {
        return db.sql("select operation, request_hash, status, response_status, response_body from idempotency_key"
                        + " where caller = :caller and key = :key")
                .bind("caller", scope).bind("key", key)
                .map(row -> {
                    if (!operation.equals(row.get("operation", String.class))
                            || !Arrays.equals(requestHash, row.get("request_hash", byte[].class))) {
                        throw ApiProblem.unprocessable("idempotency_key_reused",
                                "This Idempotency-Key was used for a different request; use a new key for a new request.");
                    }
                    if (!"done".equals(row.get("status", String.class))) {
                        throw new ApiProblem(409, "idempotency_request_in_progress", "Conflict",
                                "A request with this Idempotency-Key is still being processed; retry shortly.",
                                java.util.List.of(), Map.of("Retry-After", "1"));
                    }
                    return (Claim) new Replay(row.get("response_status", Integer.class), row.get("response_body", String.class));
                })
                .one();
    }

    /** Stores the response of a fresh key's work, in the work's transaction. */
    public Mono<Void> complete(String scope, String key, int status, String responseJson) {
        var spec = db.sql("update idempotency_key set status = 'done', response_status = :status,"
                        + " response_body = :body where caller = :caller and key = :key")
                .bind("status", status).bind("caller", scope).bind("key", key);
        return spec.bind("body", responseJson).fetch().rowsUpdated().then();
    }

    /** Forgets keys past their retention. */
    public Mono<Long> purge(Instant now) {
        return db.sql("delete from idempotency_key where expires_at < :now").bind("now", now.atOffset(ZoneOffset.UTC))
                .fetch().rowsUpdated();
    }
}
