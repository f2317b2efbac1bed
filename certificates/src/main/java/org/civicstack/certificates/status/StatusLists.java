package org.civicstack.certificates.status;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.civicstack.certificates.CertificatesProperties;
import org.civicstack.certificates.keys.CredentialSigningKeys;
import org.civicstack.certificates.statuslist.StatusList;
import org.civicstack.certificates.statuslist.StatusListToken;
import org.civicstack.certificates.statuslist.StatusListTokenSigner;
import org.civicstack.certificates.statuslist.StatusReference;
import org.civicstack.certificates.statuslist.TokenStatus;
import org.civicstack.platform.api.Ids;
import org.civicstack.platform.api.Sql;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The Token Status Lists credentials point at ({@code status.status_list}): 2 bits per credential, VALID 0,
 * INVALID 1 (revoked or superseded), SUSPENDED 2. The packed bytes live in {@code status_list.lst} and a status change
 * is one {@code set_bit} update in the transaction that changes the credential, so the published list is never
 * behind the database. Indices are drawn at random from an open list (the draft's advice against correlating
 * credentials by issuance order); a collision is retried by the caller with another index, and a list that keeps
 * colliding is closed and a new one opened.
 */
@Component
public class StatusLists {

    private static final SecureRandom RANDOM = new SecureRandom();
    public static final String MEDIA_TYPE = "application/statuslist+jwt";

    private final DatabaseClient db;
    private final io.r2dbc.spi.ConnectionFactory connections;
    private final StatusListTokenSigner signer;
    private final CredentialSigningKeys keys;
    private final CertificatesProperties properties;
    private final Clock clock;
    private final Map<String, Published> published = new ConcurrentHashMap<>();
    private volatile String openList;

    public StatusLists(DatabaseClient db, io.r2dbc.spi.ConnectionFactory connections, StatusListTokenSigner signer,
            CredentialSigningKeys keys, CertificatesProperties properties, Clock clock) {
        this.db = db;
        this.connections = connections;
        this.signer = signer;
        this.keys = keys;
        this.properties = properties;
        this.clock = clock;
    }

    /** Where a credential's status will live: an open list and a random index in it (not yet taken for sure). */
    public Mono<StatusReference> candidate() {
        return openList().map(id -> new StatusReference(RANDOM.nextInt(properties.statusListSize()), uri(id)));
    }

    /** Slots this instance has handed to issuances still in flight ("list#index"): never handed out twice at once. */
    private final java.util.Set<String> inFlight = ConcurrentHashMap.newKeySet();

    /**
     * {@code n} distinct random slots for a batch of new credentials: free in the database when drawn (one query per
     * round checks the draw against the credentials in the list) and not held by another issuance of this instance in
     * flight, so concurrent batches do not wait on each other's uncommitted rows. A list where a round finds most of
     * the draw taken is closed and the rest come from a new one. The caller must {@link #release} them once its
     * transaction ended, committed or not; a slot another instance takes meanwhile is still caught by the insert.
     */
    public Mono<List<StatusReference>> reserve(int n) {
        List<StatusReference> reserved = new java.util.ArrayList<>(n);
        return reserveRound(n, reserved, 0).thenReturn(reserved)
                .onErrorResume(e -> {
                    release(reserved);
                    return Mono.error(e);
                });
    }

    private Mono<Void> reserveRound(int n, List<StatusReference> reserved, int round) {
        int missing = n - reserved.size();
        if (missing == 0) {
            return Mono.empty();
        }
        if (round >= 16) {
            return Mono.error(new IllegalStateException("no free status list slots after 16 rounds"));
        }
        return openList().flatMap(listId -> {
            List<Integer> drawn = new java.util.ArrayList<>(missing);
            int size = properties.statusListSize();
            for (int tries = 0; drawn.size() < missing && tries < missing * 4; tries++) {
                int index = RANDOM.nextInt(size);
                if (inFlight.add(listId + "#" + index)) {
                    drawn.add(index);
                }
            }
            return db.sql("select status_index from credential where status_list_id = :list"
                            + " and status_index = any(cast(:indexes as integer[]))")
                    .bind("list", listId).bind("indexes", drawn.toArray(Integer[]::new))
                    .map(row -> row.get("status_index", Integer.class)).all().collect(java.util.stream.Collectors.toSet())
                    .flatMap(taken -> {
                        URI uri = uri(listId);
                        for (Integer index : drawn) {
                            if (taken.contains(index)) {
                                inFlight.remove(listId + "#" + index);
                            } else {
                                reserved.add(new StatusReference(index, uri));
                            }
                        }
                        boolean crowded = drawn.isEmpty() || taken.size() * 2 > drawn.size();
                        return (crowded ? closeList(listId) : Mono.<Void>empty())
                                .then(Mono.defer(() -> reserveRound(n, reserved, round + 1)));
                    });
        });
    }

    /** Gives back slots {@link #reserve} handed out (their credentials are committed, or were never stored). */
    public void release(java.util.Collection<StatusReference> slots) {
        for (StatusReference slot : slots) {
            inFlight.remove(listId(slot.uri()) + "#" + slot.index());
        }
    }

    /**
     * After repeated collisions: the list is (nearly) full; close it so the next candidate comes from a new one. On
     * a connection of its own, like {@link #createList()}: the closing holds even if the caller's transaction fails.
     */
    public Mono<Void> closeList(String listId) {
        openList = null;
        return Mono.usingWhen(connections.create(),
                        connection -> Mono.from(connection.createStatement("update status_list set open = false where id = $1")
                                .bind("$1", listId).execute()).flatMap(result -> Mono.from(result.getRowsUpdated())),
                        io.r2dbc.spi.Connection::close)
                .then();
    }

    /** Sets the entry, in the caller's transaction. */
    public Mono<Void> set(String listId, int index, TokenStatus status) {
        int value = status.value();
        return db.sql("update status_list set lst = set_bit(set_bit(lst, :low, :lowValue), :high, :highValue),"
                        + " version = version + 1, updated_at = :now where id = :id")
                .bind("low", 2L * index).bind("lowValue", value & 1)
                .bind("high", 2L * index + 1).bind("highValue", (value >> 1) & 1)
                .bind("now", Sql.utc(clock.instant())).bind("id", listId)
                .fetch().rowsUpdated().then();
    }

    /**
     * The signed Status List Token for {@code listId}, empty if there is no such list. Tokens are cached per list
     * version: a status change or a key rotation makes the next request sign a new one; otherwise the same token is
     * served for half its {@code ttl}.
     */
    public Mono<Published> token(String listId) {
        return db.sql("select lst, version from status_list where id = :id").bind("id", listId)
                .map(row -> new Object[] {row.get("lst", byte[].class), row.get("version", Long.class)})
                .one()
                .map(row -> {
                    long version = (Long) row[1];
                    Instant now = clock.instant();
                    Published cached = published.get(listId);
                    String kid = keys.current().keyId();
                    if (cached != null && cached.version() == version && cached.keyId().equals(kid)
                            && cached.issuedAt().plus(properties.statusListTtl().dividedBy(2)).isAfter(now)) {
                        return cached;
                    }
                    Instant iat = Instant.ofEpochSecond(now.getEpochSecond());
                    StatusListToken token = new StatusListToken(uri(listId), iat,
                            iat.plus(properties.statusListValidity()), properties.statusListTtl(),
                            StatusList.fromBytes((byte[]) row[0], 2));
                    Published fresh = new Published(signer.sign(token), version, iat, kid);
                    published.put(listId, fresh);
                    return fresh;
                });
    }

    public URI uri(String listId) {
        return URI.create(properties.base() + "/v1/certificates/status-lists/" + listId);
    }

    /** The list id at the end of a status URI of ours, or null. */
    public String listId(URI uri) {
        String prefix = properties.base() + "/v1/certificates/status-lists/";
        String text = uri.toString();
        return text.startsWith(prefix) ? text.substring(prefix.length()) : null;
    }

    private Mono<String> openList() {
        String known = openList;
        if (known != null) {
            return Mono.just(known);
        }
        return db.sql("select id from status_list where open order by updated_at desc limit 1")
                .map(row -> row.get("id", String.class)).one()
                .switchIfEmpty(Mono.defer(this::createList))
                .doOnNext(id -> openList = id);
    }

    /**
     * A new open list, committed on a connection of its own before anyone may use it: the issuance asking for it runs
     * in a transaction that other issuances cannot see into, and that may still roll back.
     */
    private Mono<String> createList() {
        String id = Ids.newId("sl");
        int bytes = properties.statusListSize() / 4;
        return Mono.usingWhen(connections.create(),
                        connection -> Mono.from(connection.createStatement("insert into status_list (id, bits, size, lst,"
                                        + " open, version, updated_at) values ($1, 2, $2, $3, true, 0, $4)")
                                .bind("$1", id).bind("$2", properties.statusListSize())
                                .bind("$3", java.nio.ByteBuffer.wrap(new byte[bytes]))
                                .bind("$4", Sql.utc(clock.instant()))
                                .execute())
                                .flatMap(result -> Mono.from(result.getRowsUpdated())),
                        io.r2dbc.spi.Connection::close)
                .thenReturn(id);
    }

    /** A signed token, the list version it shows and the key that signed it (a rotation signs anew). */
    public record Published(String jwt, long version, Instant issuedAt, String keyId) {
    }
}
