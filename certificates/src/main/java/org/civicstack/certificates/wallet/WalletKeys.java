package org.civicstack.certificates.wallet;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;

import com.nimbusds.jose.jwk.ECKey;
import org.civicstack.certificates.keys.Es256;
import org.civicstack.certificates.keys.PayloadCipher;
import org.civicstack.platform.api.Ids;
import org.civicstack.platform.api.Sql;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Each citizen's wallet key (P-256): the holder key their credentials are bound to ({@code cnf.jwk}) and that signs
 * the key-binding JWT of every presentation made on their approval. The platform is the citizen's wallet (a server
 * wallet: the app opens pages and taps approve; it holds no keys), so the private half is kept here, sealed with the
 * payload cipher under the citizen's reference. Created on first use; concurrent first uses agree on one key.
 */
@Component
public class WalletKeys {

    private final DatabaseClient db;
    private final PayloadCipher cipher;
    private final Clock clock;

    public WalletKeys(DatabaseClient db, PayloadCipher cipher, Clock clock) {
        this.db = db;
        this.cipher = cipher;
        this.clock = clock;
    }

    /** The citizen's key with its private half. */
    public Mono<ECKey> keyOf(String citizenRef) {
        return find(citizenRef).switchIfEmpty(Mono.defer(() -> create(citizenRef).then(find(citizenRef))));
    }

    private Mono<ECKey> find(String citizenRef) {
        return db.sql("select private_ciphertext from wallet_key where citizen_ref = :citizen")
                .bind("citizen", citizenRef)
                .map(row -> row.get("private_ciphertext", byte[].class)).one()
                .map(sealed -> {
                    try {
                        return ECKey.parse(new String(cipher.decrypt(sealed, associatedData(citizenRef)),
                                StandardCharsets.UTF_8));
                    } catch (ParseException e) {
                        throw new IllegalStateException("wallet key is not a JWK", e);
                    }
                });
    }

    private Mono<Long> create(String citizenRef) {
        ECKey key = Es256.generate(Ids.newId("wk"));
        byte[] sealed = cipher.encrypt(key.toJSONString().getBytes(StandardCharsets.UTF_8), associatedData(citizenRef));
        return db.sql("insert into wallet_key (citizen_ref, key_id, public_jwk, private_ciphertext, created_at)"
                        + " values (:citizen, :kid, :public, :private, :now) on conflict (citizen_ref) do nothing")
                .bind("citizen", citizenRef).bind("kid", key.getKeyID())
                .bind("public", key.toPublicJWK().toJSONString()).bind("private", sealed)
                .bind("now", Sql.utc(clock.instant()))
                .fetch().rowsUpdated();
    }

    private static byte[] associatedData(String citizenRef) {
        return ("wallet-key:" + citizenRef).getBytes(StandardCharsets.UTF_8);
    }
}
