package org.civicstack.identity.session;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The refresh tokens that were already exchanged, as keyed fingerprints (HMAC-SHA256 with a key derived from the
 * identity secret — never the token), so that presenting one again is recognised as reuse. Each row lives as long
 * as the token would have ({@code used_refresh_token}, V20), then {@link #purge} deletes it.
 */
public class UsedRefreshTokens {

    /** What is known about a used token: the session (token family) it belonged to and its client. */
    public record UsedToken(UUID sid, String clientId) {
    }

    private final JdbcTemplate jdbc;
    private final byte[] key;

    public UsedRefreshTokens(JdbcTemplate jdbc, String identitySecret) {
        this.jdbc = jdbc;
        try {
            this.key = MessageDigest.getInstance("SHA-256")
                    .digest(("civicstack:used-refresh-token:" + identitySecret).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    byte[] fingerprint(String token) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(token.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    /**
     * Marks the token used; true for the one caller that marked it first, false when it had been used already (a
     * reuse, or the losing one of two simultaneous refreshes).
     */
    public boolean claim(String token, UUID sid, String clientId, Instant expiresAt) {
        return jdbc.update("INSERT INTO used_refresh_token (token_hash, sid, client_id, expires_at) VALUES (?, ?, ?, ?) "
                + "ON CONFLICT (token_hash) DO NOTHING", fingerprint(token), sid, clientId, Timestamp.from(expiresAt)) == 1;
    }

    public Optional<UsedToken> find(String token) {
        return jdbc.query("SELECT sid, client_id FROM used_refresh_token WHERE token_hash = ?",
                (row, n) -> new UsedToken(row.getObject("sid", UUID.class), row.getString("client_id")),
                fingerprint(token)).stream().findFirst();
    }

    /** Deletes fingerprints of tokens past their lifetime (those tokens are refused as expired anyway). */
    public int purge() {
        return jdbc.update("DELETE FROM used_refresh_token WHERE expires_at < now()");
    }
}
