package org.civicstack.certificates.issuance;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.jwk.ECKey;
import org.civicstack.certificates.accesslog.AccessLog;
import org.civicstack.certificates.citizen.CitizenDirectory;
import org.civicstack.certificates.common.Body;
import org.civicstack.certificates.status.StatusLists;
import org.civicstack.certificates.statuslist.StatusReference;
import org.civicstack.certificates.types.ClaimDefinition;
import org.civicstack.certificates.types.CredentialType;
import org.civicstack.certificates.types.CredentialTypeStore;
import org.civicstack.certificates.wallet.WalletKeys;
import org.civicstack.platform.api.Ids;
import org.civicstack.platform.api.Violations;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.FieldViolation;
import org.civicstack.platform.idempotency.IdempotencyKeys;
import org.civicstack.platform.security.PlatformCaller;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;

/**
 * {@code POST /v1/certificates/credentials/batch}: an issuing agency pushes up to {@value #MAX_ITEMS} credentials in
 * one call (a city's volunteer cards, a year's business licences), all or nothing. Every item is what the single
 * {@code POST /v1/certificates/credentials} takes, with its rules; the batch is refused as a whole — nothing issued —
 * when any item is malformed (400, every violation under {@code credentials[i].…}) or cannot be issued (422
 * {@code credentials_refused}: unknown or foreign type, unknown citizen, the same citizen and type twice). Otherwise
 * one transaction does for all items what a single issuance does for one, with the statements batched: the
 * Idempotency-Key row, the (citizen, type) advisory locks in one order, the citizens' current credentials, the wallet
 * keys (one read, missing ones created in one round trip), one insert round trip for the credentials, the
 * supersessions, one for the access log. Signing and sealing run on the parallel scheduler, off the event loops.
 */
@Component
public class BatchIssuance {

    public static final int MAX_ITEMS = 500;
    /** Credentials signed per task on the parallel scheduler. */
    private static final int SIGNING_CHUNK = 25;

    private final Issuance issuance;
    private final CredentialTypeStore types;
    private final CredentialStore credentials;
    private final StatusLists statusLists;
    private final WalletKeys wallets;
    private final AccessLog accessLog;
    private final IdempotencyKeys idempotency;
    private final CitizenDirectory citizens;
    private final Clock clock;

    public BatchIssuance(Issuance issuance, CredentialTypeStore types, CredentialStore credentials,
            StatusLists statusLists, WalletKeys wallets, AccessLog accessLog, IdempotencyKeys idempotency,
            CitizenDirectory citizens, Clock clock) {
        this.issuance = issuance;
        this.types = types;
        this.credentials = credentials;
        this.statusLists = statusLists;
        this.wallets = wallets;
        this.accessLog = accessLog;
        this.idempotency = idempotency;
        this.citizens = citizens;
        this.clock = clock;
    }

    /** One item, read and checked: its type, whom it names, its claims and expiry; the citizen once resolved. */
    private record Item(int index, CredentialType type, CitizenDirectory.CitizenName name, Map<String, Object> values,
            Instant expires) {
    }

    /** An item bound to its citizen, with the credential id it will get. */
    private record Placed(Item item, String citizenRef, String id) {
    }

    public Mono<ResponseEntity<String>> issue(PlatformCaller caller, String idempotencyKey, JsonNode body) {
        String agency = caller.requireAgency();
        String key = IdempotencyKeys.requireKey(idempotencyKey);
        Body read = Body.reading();
        if (!read.object(body, "", Set.of("credentials"))) {
            read.check();
        }
        JsonNode list = body.get("credentials");
        if (list == null || list.isNull()) {
            read.violation("credentials", "required", "the credentials to issue are required, as an array");
        } else if (!list.isArray()) {
            read.violation("credentials", "invalid_type", "must be an array of credentials to issue");
        } else if (list.isEmpty() || list.size() > MAX_ITEMS) {
            read.violation("credentials", "invalid_size", "must hold 1 to " + MAX_ITEMS + " credentials per batch");
        }
        read.check();
        List<Issuance.ItemHeader> headers = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String path = "credentials[" + i + "]";
            headers.add(read.object(list.get(i), path, Issuance.ISSUE_FIELDS)
                    ? Issuance.header(list.get(i), path, read) : null);
        }
        // the claims of items whose type is known are checked too, so one 400 lists every malformed field
        Set<String> typeIds = new LinkedHashSet<>();
        headers.stream().filter(h -> h != null && h.typeId() != null).forEach(h -> typeIds.add(h.typeId()));
        return Flux.fromIterable(typeIds).concatMap(types::find).collectMap(CredentialType::id).flatMap(found -> {
            List<FieldViolation> refused = new ArrayList<>();
            List<Item> items = new ArrayList<>(headers.size());
            for (int i = 0; i < headers.size(); i++) {
                Issuance.ItemHeader header = headers.get(i);
                String path = "credentials[" + i + "]";
                if (header == null || header.typeId() == null) {
                    items.add(null);
                    continue;
                }
                CredentialType type = found.get(header.typeId());
                String problem = type == null ? "unknown_type" : !type.issuerAgencyId().equals(agency) ? "not_the_issuer"
                        : !type.active() ? "type_retired" : null;
                if (problem != null) {
                    refused.add(new FieldViolation(path + ".type", problem, switch (problem) {
                        case "unknown_type" -> "No credential type " + header.typeId() + ".";
                        case "not_the_issuer" -> "Type " + header.typeId() + " is issued by another agency.";
                        default -> "Type " + header.typeId() + " is retired.";
                    }));
                    items.add(null);
                    continue;
                }
                JsonNode item = list.get(i);
                items.add(new Item(i, type, header.name(), ClaimValues.read(item.get("claims"), type, read,
                        path + ".claims"), issuance.expiry(item, type, read, path + ".valid_until")));
            }
            read.check();
            return citizens.resolveAll(agency, headers.stream().map(Issuance.ItemHeader::name).toList())
                    .flatMap(resolutions -> {
                        List<Placed> placed = bind(items, resolutions, refused);
                        if (!refused.isEmpty()) {
                            refused.sort(Violations.ORDER);
                            long failing = refused.stream().map(v -> v.field().substring(0, v.field().indexOf(']')))
                                    .distinct().count();
                            return Mono.error(new ApiProblem(422, "credentials_refused", "Unprocessable Content",
                                    failing + " of " + items.size() + " credentials cannot be issued; nothing was issued.",
                                    refused, Map.of()));
                        }
                        byte[] hash = idempotency.hash("issue_credentials", agency, body);
                        // the status slots it reserves are given back once its transaction ended, either way
                        List<StatusReference> held = new java.util.concurrent.CopyOnWriteArrayList<>();
                        return issuance.once(agency, key, "issue_credentials", hash, () -> create(placed, caller, held)
                                        .map(created -> new Issuance.Created(Map.of("data",
                                                created.stream().map(issuance::view).toList()), null)))
                                .doFinally(signal -> statusLists.release(held));
                    });
        });
    }

    /** Each item with its citizen; unknown citizens and a (citizen, type) named twice go to {@code refused}. */
    private static List<Placed> bind(List<Item> items, List<CitizenDirectory.Resolution> resolutions,
            List<FieldViolation> refused) {
        List<Placed> placed = new ArrayList<>(items.size());
        Map<String, Integer> firstOfPair = new HashMap<>();
        for (int i = 0; i < items.size(); i++) {
            CitizenDirectory.Resolution resolution = resolutions.get(i);
            Item item = items.get(i);
            String path = "credentials[" + i + "]";
            if (!resolution.resolved()) {
                if (resolution.field() != null) {
                    refused.add(new FieldViolation(path + "." + resolution.field(), resolution.code(),
                            resolution.message()));
                }
                continue;
            }
            if (item == null) {
                continue;
            }
            Integer first = firstOfPair.putIfAbsent(CredentialStore.lockKey(resolution.citizenRef(), item.type().id()), i);
            if (first != null) {
                refused.add(new FieldViolation(path + (item.name().subject() != null ? ".subject" : ".resident_id_number"),
                        "duplicate_in_batch", "names the same citizen as credentials[" + first + "] for type "
                                + item.type().id() + "; a citizen holds one current credential of a type"));
                continue;
            }
            placed.add(new Placed(item, resolution.citizenRef(), Ids.newId("crd")));
        }
        return placed;
    }

    /** Everything a single issuance does, for all items, in the caller's transaction; the credentials in item order. */
    private Mono<List<Credential>> create(List<Placed> placed, PlatformCaller caller, List<StatusReference> held) {
        Instant now = clock.instant().truncatedTo(ChronoUnit.SECONDS);
        Set<String> refs = new LinkedHashSet<>();
        Set<String> pairs = new HashSet<>();
        placed.forEach(p -> {
            refs.add(p.citizenRef());
            pairs.add(CredentialStore.lockKey(p.citizenRef(), p.item().type().id()));
        });
        return credentials.lockCurrentAll(refs, pairs)
                .filter(c -> pairs.contains(CredentialStore.lockKey(c.citizenRef(), c.typeId())))
                .collectMultimap(c -> CredentialStore.lockKey(c.citizenRef(), c.typeId()))
                .flatMap(current -> wallets.publicKeysOf(refs)
                        .flatMap(holders -> statusLists.reserve(placed.size()).doOnNext(held::addAll)
                                .flatMap(slots -> signAll(placed, holders, slots, now))
                                .flatMap(signed -> store(signed, placed, holders, now)))
                        .flatMap(created -> {
                            Map<String, Credential> byPair = new HashMap<>();
                            created.forEach(c -> byPair.put(CredentialStore.lockKey(c.citizenRef(), c.typeId()), c));
                            List<AccessLog.Entry> issued = new ArrayList<>(placed.size());
                            for (int i = 0; i < placed.size(); i++) {
                                Placed p = placed.get(i);
                                boolean reissued = current.containsKey(CredentialStore.lockKey(p.citizenRef(),
                                        p.item().type().id()));
                                issued.add(new AccessLog.Entry(0, created.get(i).id(), p.citizenRef(),
                                        reissued ? "reissued" : "issued", p.item().type().issuerAgencyId(),
                                        caller.clientId(), p.item().type().claims().stream().map(ClaimDefinition::name)
                                        .filter(p.item().values()::containsKey).toList(), null, null, null, now));
                            }
                            return Flux.fromIterable(current.entrySet())
                                    .concatMap(pair -> Flux.fromIterable(pair.getValue())
                                            .concatMap(old -> issuance.supersede(old, byPair.get(pair.getKey()), caller, now)))
                                    .then(accessLog.recordAll(issued))
                                    .thenReturn(created);
                        }));
    }

    private Mono<List<Credential>> signAll(List<Placed> placed, Map<String, ECKey> holders, List<StatusReference> slots,
            Instant now) {
        List<Integer> order = new ArrayList<>(placed.size());
        for (int i = 0; i < placed.size(); i++) {
            order.add(i);
        }
        return Flux.fromIterable(order).buffer(SIGNING_CHUNK)
                .flatMapSequential(chunk -> Mono.fromCallable(() -> chunk.stream()
                        .map(i -> sign(placed.get(i), holders.get(placed.get(i).citizenRef()), slots.get(i), now))
                        .toList()).subscribeOn(Schedulers.parallel()))
                .concatMapIterable(signed -> signed)
                .collectList();
    }

    private Credential sign(Placed p, ECKey holder, StatusReference slot, Instant now) {
        return issuance.sign(p.id(), p.item().type(), p.citizenRef(), p.item().values(), now, p.item().expires(), holder,
                slot, null);
    }

    /**
     * One insert round trip; a credential whose status slot turned out taken is placed again on its own (a new slot,
     * signed anew), as a single issuance would.
     */
    private Mono<List<Credential>> store(List<Credential> signed, List<Placed> placed, Map<String, ECKey> holders,
            Instant now) {
        // inserted in slot order: two batches that drew a slot in common wait for each other in one direction only
        // (the unique slot index makes the second insert wait for the first's commit), never in a cycle
        List<Integer> bySlot = new ArrayList<>(signed.size());
        for (int i = 0; i < signed.size(); i++) {
            bySlot.add(i);
        }
        bySlot.sort(java.util.Comparator.comparing((Integer i) -> signed.get(i).statusListId())
                .thenComparingInt(i -> signed.get(i).statusIndex()));
        return credentials.insertAll(bySlot.stream().map(signed::get).toList()).collectList().flatMap(sorted -> {
            boolean[] inserted = new boolean[signed.size()];
            for (int k = 0; k < bySlot.size(); k++) {
                inserted[bySlot.get(k)] = sorted.get(k);
            }
            return Flux.range(0, signed.size())
                .concatMap(i -> inserted[i] ? Mono.just(signed.get(i))
                        : issuance.place(placed.get(i).id(), placed.get(i).item().type(), placed.get(i).citizenRef(),
                                placed.get(i).item().values(), now, placed.get(i).item().expires(),
                                holders.get(placed.get(i).citizenRef()), null, 1))
                .collectList();
        });
    }
}
