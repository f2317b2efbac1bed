package org.civicstack.certificates.verification;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.r2dbc.postgresql.codec.Json;
import org.civicstack.certificates.CertificatesProperties;
import org.civicstack.platform.api.Sql;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * "Show in person": a citizen's short-lived, single-use token for one credential, shown as a QR code; a verifying
 * agency redeems it once. Only the token's SHA-256 is stored; redeeming is one conditional update, so two scanners
 * racing get one answer and one {@code qr_token_used}.
 */
@Component
public class QrTokens {

    private static final SecureRandom RANDOM = new SecureRandom();
    public static final String PREFIX = "csqr_";

    private final DatabaseClient db;
    private final JsonMapper json;
    private final CertificatesProperties properties;
    private final Clock clock;

    public QrTokens(DatabaseClient db, JsonMapper json, CertificatesProperties properties, Clock clock) {
        this.db = db;
        this.json = json;
        this.properties = properties;
        this.clock = clock;
    }

    public record Issued(String token, Instant expiresAt) {
    }

    public record Redeemed(String credentialId, String citizenRef, List<String> claims) {
    }

    /** What redeeming found when it did not redeem. */
    public enum Refusal { UNKNOWN, USED, EXPIRED }

    public static final class RefusedException extends RuntimeException {
        private final Refusal refusal;

        RefusedException(Refusal refusal) {
            super(refusal.name());
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    public Mono<Issued> issue(String credentialId, String citizenRef, List<String> claims) {
        byte[] random = new byte[32];
        RANDOM.nextBytes(random);
        String token = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        Instant now = clock.instant();
        Instant expires = now.plus(properties.qrTtl());
        return db.sql("insert into qr_token (token_hash, credential_id, citizen_ref, claims, created_at, expires_at)"
                        + " values (:hash, :credential, :citizen, :claims, :now, :expires)")
                .bind("hash", hash(token)).bind("credential", credentialId).bind("citizen", citizenRef)
                .bind("claims", Json.of(json.writeValueAsString(claims))).bind("now", Sql.utc(now))
                .bind("expires", Sql.utc(expires))
                .fetch().rowsUpdated().thenReturn(new Issued(token, expires));
    }

    /** Marks the token used by {@code agencyId}; errors with {@link RefusedException} if it cannot be. */
    public Mono<Redeemed> redeem(String token, String agencyId) {
        byte[] hash = hash(token);
        Instant now = clock.instant();
        return db.sql("update qr_token set used_at = :now, used_by = :agency where token_hash = :hash"
                        + " and used_at is null and expires_at > :now returning credential_id, citizen_ref, claims")
                .bind("now", Sql.utc(now)).bind("agency", agencyId).bind("hash", hash)
                .map(row -> new Redeemed(row.get("credential_id", String.class), row.get("citizen_ref", String.class),
                        json.readValue(Sql.json(row.get("claims")), new TypeReference<List<String>>() {
                        })))
                .one()
                .switchIfEmpty(Mono.defer(() -> db.sql("select used_at from qr_token where token_hash = :hash")
                        .bind("hash", hash)
                        .map(row -> Map.of("used", row.get("used_at") != null))
                        .one()
                        .flatMap(found -> Mono.<Redeemed>error(new RefusedException(
                                Boolean.TRUE.equals(found.get("used")) ? Refusal.USED : Refusal.EXPIRED)))
                        .switchIfEmpty(Mono.error(new RefusedException(Refusal.UNKNOWN)))));
    }

    static byte[] hash(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
