package org.civicstack.identity.keys;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

import org.civicstack.identity.events.TokenEvent;
import org.civicstack.identity.events.TokenEventType;
import org.civicstack.identity.events.TokenEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Creates new signing keys: the first at the very first start, then one per {@code rotation-period} (scheduled)
 * or whenever an operator asks. A new key is stored with {@code activates_at = now + publish-ahead}, so it is in
 * every instance's JWKS (and then in the gateways' caches) before any token carries its kid. While such a key is
 * pending, no further one is created: a second rotation request gets the pending key back.
 *
 * <p>Safe with several identity instances: each new key takes generation {@code newest + 1}, and the unique index
 * on {@code generation} lets exactly one of concurrent inserts win; the others adopt the winner's key. The
 * {@link TokenEventType#SIGNING_KEY_ROTATED} event is written in the winner's insert transaction only (not for
 * the very first key, which replaces nothing).
 */
public class KeyRotation {

    private static final Logger log = LoggerFactory.getLogger(KeyRotation.class);

    /** Why a key was created; the {@code trigger} detail of the event. */
    public enum Trigger {
        /** The very first key of a deployment; no event. */
        FIRST_START,
        SCHEDULED,
        OPERATOR;

        String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param key the newest key: the one just created, or the one already waiting to sign
     * @param created whether this call created it
     * @param signingKid the key that signs now (until {@code key.activatesAt()})
     */
    public record Outcome(StoredSigningKey key, boolean created, String signingKid) {
    }

    private final SigningKeyRepository repository;
    private final SigningKeys keys;
    private final SigningKeyRing ring;
    private final TokenEvents events;
    private final TransactionTemplate transaction;
    private final KeyRotationProperties properties;
    private final Clock clock;

    public KeyRotation(SigningKeyRepository repository, SigningKeys keys, SigningKeyRing ring, TokenEvents events,
            TransactionTemplate transaction, KeyRotationProperties properties, Clock clock) {
        this.repository = repository;
        this.keys = keys;
        this.ring = ring;
        this.events = events;
        this.transaction = transaction;
        this.properties = properties;
        this.clock = clock;
    }

    /** At start: stores the first key, signing at once, when there is none; then loads the ring. */
    public void ensureKey() {
        if (repository.findNewest().isEmpty()) {
            create(1, storable(clock.instant()), Trigger.FIRST_START, null);
        }
        ring.refresh();
    }

    /** A new key now, unless one is already waiting to sign (then that one). */
    public Outcome rotate(Trigger trigger) {
        Instant now = clock.instant();
        StoredSigningKey newest = repository.findNewest()
                .orElseThrow(() -> new IllegalStateException("there is no signing key to rotate"));
        if (newest.activatesAt().isAfter(now)) {
            return new Outcome(newest, false, ring.current().kid());
        }
        return create(newest.generation() + 1, storable(now.plus(properties.publishAhead())), trigger, newest.kid());
    }

    /** A new key if the newest one has been signing for {@code rotation-period}. */
    public Optional<Outcome> rotateIfDue() {
        Optional<StoredSigningKey> newest = repository.findNewest();
        if (newest.isEmpty()
                || newest.get().activatesAt().plus(properties.rotationPeriod()).isAfter(clock.instant())) {
            return Optional.empty();
        }
        return Optional.of(rotate(Trigger.SCHEDULED));
    }

    /** Deletes keys whose every token has expired ({@code max-token-lifetime} after their successor started). */
    public List<String> removeExpired() {
        List<String> removed = repository.deleteSupersededBefore(clock.instant().minus(properties.maxTokenLifetime()));
        if (!removed.isEmpty()) {
            log.info("Removed signing keys {}: every token they signed has expired", removed);
            ring.refresh();
        }
        return removed;
    }

    /**
     * PostgreSQL keeps microseconds; rounding there could move {@code activates_at} past the instant the ring is
     * asked about, so it is truncated here, before anyone sees it.
     */
    private static Instant storable(Instant instant) {
        return instant.truncatedTo(ChronoUnit.MICROS);
    }

    private Outcome create(long generation, Instant activatesAt, Trigger trigger, String previousKid) {
        StoredSigningKey candidate = keys.seal(SigningKeys.generate(), generation, activatesAt);
        boolean inserted = Boolean.TRUE.equals(transaction.execute(status -> {
            if (!repository.insertIfGenerationFree(candidate)) {
                return false;
            }
            if (trigger == Trigger.FIRST_START) {
                return true; // the first key replaces nothing: not a rotation
            }
            events.record(TokenEvent.of(TokenEventType.SIGNING_KEY_ROTATED)
                    .detail("kid", candidate.kid())
                    .detail("previous_kid", previousKid)
                    .detail("generation", generation)
                    .detail("algorithm", candidate.algorithm())
                    .detail("activates_at", activatesAt)
                    .detail("trigger", trigger.wireName())
                    .build());
            return true;
        }));
        ring.refresh();
        if (inserted) {
            log.info("New signing key {} (generation {}, {}), published now, signing from {} ({})", candidate.kid(),
                    generation, candidate.algorithm(), activatesAt, trigger.wireName());
            return new Outcome(candidate, true, ring.current().kid());
        }
        log.info("Another identity instance created signing key generation {} first; using it", generation);
        StoredSigningKey winner = repository.findNewest()
                .orElseThrow(() -> new IllegalStateException("no signing key right after another instance stored one"));
        return new Outcome(winner, false, ring.current().kid());
    }
}
