package org.civicstack.identity.assurance.verification;

import java.util.UUID;

import org.civicstack.identity.assurance.AssuranceLevel;
import org.civicstack.identity.assurance.PersonName;
import org.civicstack.identity.assurance.realname.RealNameAuthority;
import org.civicstack.identity.assurance.realname.RealNameResult;
import org.civicstack.identity.assurance.residentid.InvalidResidentIdNumber;
import org.civicstack.identity.assurance.residentid.ResidentIdNumber;
import org.civicstack.identity.citizen.CitizenAccounts;
import org.civicstack.identity.citizen.CitizenId;
import org.civicstack.identity.events.TokenEvent;
import org.civicstack.identity.events.TokenEventType;
import org.civicstack.identity.events.TokenEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Level 2: a citizen's name and resident ID number, validated locally, then confirmed by the real-name authority.
 * Three steps, the provider call outside any transaction: (1) claim — limits, one-number-one-account, a
 * {@code pending} attempt; (2) ask the authority; (3) record the outcome, and on a match bind the number, raise the
 * level and emit {@code assurance_raised}, all in one transaction.
 */
public class IdentityVerificationService {

    private static final Logger log = LoggerFactory.getLogger(IdentityVerificationService.class);

    private final CitizenAccounts accounts;
    private final VerificationAttempts attempts;
    private final IdentityVerifications records;
    private final AttemptLimiter limiter;
    private final RealNameAuthority authority;
    private final IdNumberHasher hasher;
    private final NameCipher names;
    private final TokenEvents events;
    private final TransactionTemplate tx;

    public IdentityVerificationService(CitizenAccounts accounts, VerificationAttempts attempts,
            IdentityVerifications records, AttemptLimiter limiter, RealNameAuthority authority, IdNumberHasher hasher,
            NameCipher names, TokenEvents events, TransactionTemplate tx) {
        this.accounts = accounts;
        this.attempts = attempts;
        this.records = records;
        this.limiter = limiter;
        this.authority = authority;
        this.hasher = hasher;
        this.names = names;
        this.events = events;
        this.tx = tx;
    }

    /** Verifies and raises the citizen to level 2; every refusal is an {@link AssuranceRefused}. */
    public AssuranceLevel verify(CitizenId citizen, String rawName, String rawNumber) {
        AssuranceLevel current = accounts.currentLevel(citizen);
        if (current.satisfies(AssuranceLevel.IDENTITY_VERIFIED)) {
            throw AssuranceRefused.of(Refusal.ALREADY_VERIFIED, "This account is already at level " + current.level() + ".");
        }
        PersonName name = parseName(rawName);
        ResidentIdNumber number;
        try {
            number = ResidentIdNumber.parse(rawNumber);
        } catch (InvalidResidentIdNumber e) {
            tx.executeWithoutResult(s -> attempts.insert(citizen, AttemptKind.REALNAME, AttemptOutcome.INVALID_INPUT,
                    e.reason().code()));
            throw AssuranceRefused.field(Refusal.INVALID_ID_NUMBER, "id_number", e.reason().code(), e.getMessage());
        }
        byte[] hash = hasher.hash(number);
        UUID attempt = tx.execute(s -> claim(citizen, hash));
        if (attempt == null) {
            throw AssuranceRefused.of(Refusal.ALREADY_BOUND,
                    "This resident ID number is already verified for another account.");
        }
        RealNameResult result = authority.verify(attempt.toString(), name, number);
        return finish(citizen, attempt, name, hash, result);
    }

    /** The pending attempt's id, or null when the number belongs to another account (recorded as such). */
    private UUID claim(CitizenId citizen, byte[] hash) {
        limiter.admit(citizen, AttemptKind.REALNAME);
        if (accounts.currentLevel(citizen).satisfies(AssuranceLevel.IDENTITY_VERIFIED)) {
            // a concurrent attempt of the same citizen succeeded while this one waited for the lock
            throw AssuranceRefused.of(Refusal.ALREADY_VERIFIED, "This account is already verified.");
        }
        if (records.ownerOf(hash).filter(owner -> !owner.equals(citizen)).isPresent()) {
            attempts.insert(citizen, AttemptKind.REALNAME, AttemptOutcome.ALREADY_BOUND, null);
            log.info("Identity verification of citizen {} refused: number bound to another account", citizen);
            return null;
        }
        return attempts.insert(citizen, AttemptKind.REALNAME, AttemptOutcome.PENDING, null);
    }

    private AssuranceLevel finish(CitizenId citizen, UUID attempt, PersonName name, byte[] hash, RealNameResult result) {
        if (result instanceof RealNameResult.Match match) {
            Boolean bound = tx.execute(s -> {
                if (!records.bind(citizen, hash, names.seal(name, citizen), NameCipher.SCHEME, match.reference())) {
                    attempts.complete(attempt, AttemptOutcome.ALREADY_BOUND, null, match.reference(), null);
                    return false;
                }
                attempts.complete(attempt, AttemptOutcome.MATCH, null, match.reference(),
                        AssuranceLevel.IDENTITY_VERIFIED.level());
                raise(citizen, AssuranceLevel.IDENTITY_VERIFIED, "realname");
                return true;
            });
            if (!Boolean.TRUE.equals(bound)) {
                throw AssuranceRefused.of(Refusal.ALREADY_BOUND,
                        "This resident ID number is already verified for another account.");
            }
            log.info("Identity verification of citizen {}: match, level 2", citizen);
            return AssuranceLevel.IDENTITY_VERIFIED;
        }
        if (result instanceof RealNameResult.NoMatch noMatch) {
            complete(attempt, AttemptOutcome.NO_MATCH, noMatch.reason().code(), noMatch.reference());
            log.info("Identity verification of citizen {}: no match ({})", citizen, noMatch.reason().code());
            throw AssuranceRefused.of(Refusal.IDENTITY_MISMATCH,
                    "The real-name authority did not confirm this name with this resident ID number.");
        }
        if (result instanceof RealNameResult.Rejected rejected) {
            complete(attempt, AttemptOutcome.REJECTED, rejected.reason(), null);
            log.error("The real-name authority refused our request (HTTP {}, {}): check "
                    + "civicstack.identity.assurance.real-name.*", rejected.status(), rejected.reason());
        } else {
            String reason = ((RealNameResult.Unavailable) result).reason();
            complete(attempt, AttemptOutcome.UNAVAILABLE, reason, null);
            log.warn("The real-name authority is unavailable ({})", reason);
        }
        throw AssuranceRefused.retryAfter(Refusal.AUTHORITY_UNAVAILABLE,
                "The real-name authority cannot be reached right now; please try again later.",
                java.time.Duration.ofSeconds(60));
    }

    private void complete(UUID attempt, AttemptOutcome outcome, String reason, String reference) {
        tx.executeWithoutResult(s -> attempts.complete(attempt, outcome, reason, reference, null));
    }

    /** Raises the level and records the event; call in the transaction of the attempt that justifies it. */
    static void raise(CitizenAccounts accounts, TokenEvents events, CitizenId citizen, AssuranceLevel from,
            AssuranceLevel to, String method) {
        if (accounts.raiseLevel(citizen, to)) {
            events.record(TokenEvent.of(TokenEventType.ASSURANCE_RAISED).citizen(citizen)
                    .detail("from_level", from.level()).detail("to_level", to.level())
                    .detail("acr", to.acr()).detail("method", method).build());
        }
    }

    private void raise(CitizenId citizen, AssuranceLevel to, String method) {
        raise(accounts, events, citizen, accounts.currentLevel(citizen), to, method);
    }

    static PersonName parseName(String rawName) {
        try {
            return PersonName.parse(rawName);
        } catch (PersonName.InvalidPersonName e) {
            throw AssuranceRefused.field(Refusal.INVALID_NAME, "name", "invalid_name", e.getMessage());
        }
    }
}
