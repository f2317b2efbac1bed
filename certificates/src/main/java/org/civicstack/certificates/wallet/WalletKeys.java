package org.civicstack.certificates.wallet;

import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.jwk.ECKey;
import org.civicstack.certificates.keys.Es256;
import org.civicstack.certificates.keys.PayloadCipher;
import org.civicstack.platform.api.Ids;
import org.civicstack.platform.api.Sql;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

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

    /**
     * The public halves of many citizens' keys (all an issuance needs), creating the missing ones: read in one query,
     * new keys generated off the event loop and inserted in one round trip; a key another issuance created meanwhile
     * wins and is read back.
     */
    public Mono<Map<String, ECKey>> publicKeysOf(Collection<String> citizenRefs) {
        return publicKeys(citizenRefs).flatMap(found -> {
            // in citizen order: two transactions creating keys for citizens in common wait in one direction only
            List<String> missing = citizenRefs.stream().filter(ref -> !found.containsKey(ref)).distinct().sorted()
                    .toList();
            if (missing.isEmpty()) {
                return Mono.just(found);
            }
            return Mono.fromCallable(() -> missing.stream().map(this::sealedNew).toList())
                    .subscribeOn(Schedulers.parallel())
                    .flatMap(created -> insert(created)
                            .flatMap(inserted -> {
                                Map<String, ECKey> all = new HashMap<>(found);
                                List<String> lost = new ArrayList<>();
                                for (int i = 0; i < created.size(); i++) {
                                    if (inserted.contains(created.get(i).citizenRef())) {
                                        all.put(created.get(i).citizenRef(), created.get(i).publicKey());
                                    } else {
                                        lost.add(created.get(i).citizenRef());
                                    }
                                }
                                return lost.isEmpty() ? Mono.just(all) : publicKeys(lost).map(theirs -> {
                                    all.putAll(theirs);
                                    return all;
                                });
                            }));
        });
    }

    /** A new key: its public half made once (each {@code toPublicJWK} checks the point is on the curve again). */
    private record NewKey(String citizenRef, ECKey key, ECKey publicKey, byte[] sealed) {
    }

    private NewKey sealedNew(String citizenRef) {
        ECKey key = Es256.generate(Ids.newId("wk"));
        return new NewKey(citizenRef, key, key.toPublicJWK(),
                cipher.encrypt(key.toJSONString().getBytes(StandardCharsets.UTF_8), associatedData(citizenRef)));
    }

    private Mono<Map<String, ECKey>> publicKeys(Collection<String> citizenRefs) {
        return db.sql("select citizen_ref, public_jwk from wallet_key where citizen_ref = any(cast(:citizens as text[]))")
                .bind("citizens", citizenRefs.stream().distinct().toArray(String[]::new))
                .map(row -> Map.entry(row.get("citizen_ref", String.class), row.get("public_jwk", String.class)))
                .all()
                .collectMap(Map.Entry::getKey, entry -> {
                    try {
                        return ECKey.parse(entry.getValue());
                    } catch (ParseException e) {
                        throw new IllegalStateException("wallet public key is not a JWK", e);
                    }
                })
                .map(HashMap::new);
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
        return insert(List.of(sealedNew(citizenRef))).map(inserted -> (long) inserted.size());
    }

    /**
     * Inserts new keys in one statement (in list order); the citizens whose key went in (not those who already had
     * one).
     */
    private Mono<Set<String>> insert(List<NewKey> keys) {
        String[][] columns = new String[4][keys.size()];
        java.util.Base64.Encoder base64 = java.util.Base64.getEncoder();
        for (int i = 0; i < keys.size(); i++) {
            NewKey key = keys.get(i);
            columns[0][i] = key.citizenRef();
            columns[1][i] = key.key().getKeyID();
            columns[2][i] = key.publicKey().toJSONString();
            columns[3][i] = base64.encodeToString(key.sealed());
        }
        return db.sql("insert into wallet_key (citizen_ref, key_id, public_jwk, private_ciphertext, created_at)"
                        + " select c, k, p, decode(s, 'base64'), :now from unnest(cast(:citizens as text[]),"
                        + " cast(:kids as text[]), cast(:publics as text[]), cast(:sealed as text[])) with ordinality"
                        + " as u(c, k, p, s, n) order by n on conflict (citizen_ref) do nothing returning citizen_ref")
                .bind("citizens", columns[0]).bind("kids", columns[1]).bind("publics", columns[2])
                .bind("sealed", columns[3]).bind("now", Sql.utc(clock.instant()))
                .map(row -> row.get("citizen_ref", String.class)).all().collect(java.util.stream.Collectors.toSet());
    }

    private static byte[] associatedData(String citizenRef) {
        return ("wallet-key:" + citizenRef).getBytes(StandardCharsets.UTF_8);
    }
}
