package org.civicstack.identity.keys;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.civicstack.identity.events.TokenEvent;
import org.civicstack.identity.events.TokenEventType;
import org.civicstack.identity.events.TokenEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Creates new signing keys, in each {@link KeySeries} alike: the first at the very first start (or the first start
 * that knows the series), then one per {@code rotation-period} (scheduled) or whenever an operator asks. A new key is stored with {@code activates_at = now + publish-ahead}, so it is in
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
     * @param series the series
     * @param key the newest key: the one just created, or the one already waiting to sign
     * @param created whether this call created it
     * @param signingKid the key of the series that signs now (until {@code key.activatesAt()})
     */
    public record Outcome(KeySeries series, StoredSigningKey key, boolean created, String signingKid) {
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

    /** At start: stores the first key of each series that has none, signing at once; then loads the ring. */
    public void ensureKeys() {
        for (KeySeries series : KeySeries.values()) {
            if (repository.findNewest(series).isEmpty()) {
                create(series, 1, storable(clock.instant()), Trigger.FIRST_START, null, "system:first_start");
            }
        }
        ring.refresh();
        for (KeySeries series : KeySeries.values()) {
            ring.current(series); // fails loudly if a series has no key
        }
    }

    /** A new key in every series now, unless one is already waiting to sign there (then that one). */
    public List<Outcome> rotate(Trigger trigger) {
        return rotate(trigger, trigger == Trigger.OPERATOR ? "operator" : "system:" + trigger.wireName());
    }

    /** As {@link #rotate(Trigger)}, recording {@code actor} (e.g. {@code client:<id>}) in the audit event. */
    public List<Outcome> rotate(Trigger trigger, String actor) {
        List<Outcome> outcomes = new ArrayList<>();
        for (KeySeries series : KeySeries.values()) {
            outcomes.add(rotate(series, trigger, actor));
        }
        return outcomes;
    }

    /** A new key of {@code series} now, unless one is already waiting to sign (then that one). */
    public Outcome rotate(KeySeries series, Trigger trigger) {
        return rotate(series, trigger, "system:" + trigger.wireName());
    }

    private Outcome rotate(KeySeries series, Trigger trigger, String actor) {
        Instant now = clock.instant();
        StoredSigningKey newest = repository.findNewest(series)
                .orElseThrow(() -> new IllegalStateException("there is no " + series.algorithm() + " key to rotate"));
        if (newest.activatesAt().isAfter(now)) {
            return new Outcome(series, newest, false, ring.current(series).kid());
        }
        return create(series, newest.generation() + 1, storable(now.plus(properties.publishAhead())), trigger,
                newest.kid(), actor);
    }

    /** A new key in each series whose newest key has been signing for {@code rotation-period}. */
    public List<Outcome> rotateIfDue() {
        List<Outcome> outcomes = new ArrayList<>();
        for (KeySeries series : KeySeries.values()) {
            Optional<StoredSigningKey> newest = repository.findNewest(series);
            if (newest.isPresent()
                    && !newest.get().activatesAt().plus(properties.rotationPeriod()).isAfter(clock.instant())) {
                outcomes.add(rotate(series, Trigger.SCHEDULED));
            }
        }
        return outcomes;
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

    private Outcome create(KeySeries series, long generation, Instant activatesAt, Trigger trigger,
            String previousKid, String actor) {
        StoredSigningKey candidate = keys.seal(SigningKeys.generate(series), generation, activatesAt);
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
                    .detail("series", series.wireName())
                    .detail("activates_at", activatesAt)
                    .detail("trigger", trigger.wireName())
                    .detail("actor", actor)
                    .build());
            return true;
        }));
        ring.refresh();
        if (inserted) {
            log.info("New signing key {} (generation {}, {}), published now, signing from {} ({})", candidate.kid(),
                    generation, candidate.algorithm(), activatesAt, trigger.wireName());
            return new Outcome(series, candidate, true, ring.current(series).kid());
        }
        log.info("Another identity instance created {} signing key generation {} first; using it",
                series.algorithm(), generation);
        StoredSigningKey winner = repository.findNewest(series)
                .orElseThrow(() -> new IllegalStateException("no signing key right after another instance stored one"));
        return new Outcome(series, winner, false, ring.current(series).kid());
    }
}
