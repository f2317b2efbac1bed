package org.civicstack.certificates.keys;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * {@link CredentialSigningKeys} kept in the {@code signing_key} table, private halves sealed with the
 * {@link PayloadCipher}, so credentials keep verifying across restarts and every instance signs with the same key.
 * The first instance to start with an empty table makes the first key (a partial unique index lets only one become
 * current). Each instance re-reads the table on {@link #refresh()} (scheduled) so another instance's rotation shows
 * within the refresh interval; until then the JWKS of a lagging instance lacks only the newest key, which that
 * instance also does not sign with yet. The blocking calls here run at start, on a schedule, and on the operator's
 * rotation — never on a request thread.
 */
public final class StoredCredentialSigningKeys implements CredentialSigningKeys {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final DatabaseClient db;
    private final TransactionalOperator tx;
    private final PayloadCipher cipher;
    private final Clock clock;
    private volatile SigningKey current;
    private volatile JWKSet published;

    public StoredCredentialSigningKeys(DatabaseClient db, TransactionalOperator tx, PayloadCipher cipher, Clock clock) {
        this.db = db;
        this.tx = tx;
        this.cipher = cipher;
        this.clock = clock;
        refresh();
        if (current == null) {
            insertCurrent(SigningKey.generate(newKeyId()), false);
            refresh();
        }
        if (current == null) {
            throw new IllegalStateException("no current credential signing key after creating one");
        }
    }

    @Override
    public SigningKey current() {
        return current;
    }

    @Override
    public JWKSet verificationKeys() {
        return published;
    }

    /** Re-reads the keys (another instance may have rotated). */
    public synchronized void refresh() {
        List<Row> rows = db.sql("select id, public_jwk, private_ciphertext, status from signing_key"
                        + " where status <> 'retired' order by created_at desc, id")
                .map(r -> new Row(r.get("id", String.class), r.get("public_jwk", String.class),
                        r.get("private_ciphertext", byte[].class), r.get("status", String.class)))
                .all().collectList().block(TIMEOUT);
        List<JWK> jwks = new ArrayList<>();
        SigningKey found = null;
        for (Row row : rows) {
            try {
                jwks.add(JWK.parse(row.publicJwk()));
                if ("current".equals(row.status())) {
                    byte[] plain = cipher.decrypt(row.privateCiphertext(), associatedData(row.id()));
                    found = new SigningKey(ECKey.parse(new String(plain, StandardCharsets.UTF_8)));
                }
            } catch (ParseException e) {
                throw new IllegalStateException("signing key " + row.id() + " is not a JWK", e);
            }
        }
        if (found != null) {
            current = found;
        }
        published = new JWKSet(jwks);
    }

    @Override
    public synchronized SigningKey rotate() {
        SigningKey next = SigningKey.generate(newKeyId());
        insertCurrent(next, true);
        refresh();
        return next;
    }

    @Override
    public synchronized void retire(String keyId) {
        Long changed = db.sql("update signing_key set status = 'retired', retired_at = :now where id = :id"
                        + " and status = 'previous'")
                .bind("id", keyId).bind("now", clock.instant().atOffset(ZoneOffset.UTC))
                .fetch().rowsUpdated().block(TIMEOUT);
        if (changed == null || changed == 0) {
            throw new IllegalArgumentException("no earlier (not current, not retired) key " + keyId);
        }
        refresh();
    }

    private void insertCurrent(SigningKey key, boolean demoteCurrent) {
        byte[] sealed = cipher.encrypt(key.privateJwkJson().getBytes(StandardCharsets.UTF_8),
                associatedData(key.keyId()));
        var now = clock.instant().atOffset(ZoneOffset.UTC);
        var demote = db.sql("update signing_key set status = 'previous' where status = 'current'").fetch().rowsUpdated();
        var insert = db.sql("insert into signing_key (id, public_jwk, private_ciphertext, status, created_at)"
                        + " values (:id, :public, :private, 'current', :now) on conflict do nothing")
                .bind("id", key.keyId()).bind("public", key.publicJwk().toJSONString()).bind("private", sealed)
                .bind("now", now).fetch().rowsUpdated();
        (demoteCurrent ? demote.then(insert) : insert).as(tx::transactional).block(TIMEOUT);
    }

    private static byte[] associatedData(String keyId) {
        return ("signing-key:" + keyId).getBytes(StandardCharsets.UTF_8);
    }

    private static String newKeyId() {
        byte[] random = new byte[12];
        RANDOM.nextBytes(random);
        return "cred-" + Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    private record Row(String id, String publicJwk, byte[] privateCiphertext, String status) {
    }
}
