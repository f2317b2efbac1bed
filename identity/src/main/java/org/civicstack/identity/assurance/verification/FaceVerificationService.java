package org.civicstack.identity.assurance.verification;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;

import org.civicstack.identity.assurance.AssuranceLevel;
import org.civicstack.identity.assurance.PersonName;
import org.civicstack.identity.assurance.face.FaceResult;
import org.civicstack.identity.assurance.face.FaceStart;
import org.civicstack.identity.assurance.face.FaceVerificationProvider;
import org.civicstack.identity.assurance.residentid.InvalidResidentIdNumber;
import org.civicstack.identity.assurance.residentid.ResidentIdNumber;
import org.civicstack.identity.citizen.CitizenAccounts;
import org.civicstack.identity.citizen.CitizenId;
import org.civicstack.identity.events.TokenEvents;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Level 3: liveness + face match against the identity verified at level 2. The resident ID number is not stored, so
 * the app sends it again to start; it must hash to the bound one. The stored name is decrypted only to be sent to
 * the provider with it. Start: claim an attempt, open the provider session, hand its token to the app. Complete:
 * ask the provider for the result; a live face scoring at least the configured threshold raises the level to 3 in
 * the transaction that closes the attempt.
 */
public class FaceVerificationService {

    private static final Logger log = LoggerFactory.getLogger(FaceVerificationService.class);

    /** What the app needs to run the provider's SDK, and our id to complete with. */
    public record FaceSession(UUID verificationId, String providerSession, String sdkToken, Instant expiresAt) {
    }

    private final CitizenAccounts accounts;
    private final VerificationAttempts attempts;
    private final IdentityVerifications records;
    private final AttemptLimiter limiter;
    private final FaceVerificationProvider provider;
    private final IdNumberHasher hasher;
    private final NameCipher names;
    private final TokenEvents events;
    private final TransactionTemplate tx;
    private final double matchThreshold;
    private final Clock clock;

    public FaceVerificationService(CitizenAccounts accounts, VerificationAttempts attempts,
            IdentityVerifications records, AttemptLimiter limiter, FaceVerificationProvider provider,
            IdNumberHasher hasher, NameCipher names, TokenEvents events, TransactionTemplate tx, double matchThreshold,
            Clock clock) {
        this.accounts = accounts;
        this.attempts = attempts;
        this.records = records;
        this.limiter = limiter;
        this.provider = provider;
        this.hasher = hasher;
        this.names = names;
        this.events = events;
        this.tx = tx;
        this.matchThreshold = matchThreshold;
        this.clock = clock;
    }

    public FaceSession start(CitizenId citizen, String rawNumber) {
        AssuranceLevel current = accounts.currentLevel(citizen);
        if (current.satisfies(AssuranceLevel.FACE_VERIFIED)) {
            throw AssuranceRefused.of(Refusal.ALREADY_VERIFIED, "This account is already at level 3.");
        }
        IdentityVerifications.Stored identity = records.find(citizen)
                .filter(stored -> current.satisfies(AssuranceLevel.IDENTITY_VERIFIED))
                .orElseThrow(() -> AssuranceRefused.of(Refusal.LEVEL_2_REQUIRED,
                        "Face verification needs identity verification (level 2) first."));
        ResidentIdNumber number;
        try {
            number = ResidentIdNumber.parse(rawNumber);
        } catch (InvalidResidentIdNumber e) {
            tx.executeWithoutResult(s -> attempts.insert(citizen, AttemptKind.FACE, AttemptOutcome.INVALID_INPUT,
                    e.reason().code()));
            throw AssuranceRefused.field(Refusal.INVALID_ID_NUMBER, "id_number", e.reason().code(), e.getMessage());
        }
        if (!Arrays.equals(hasher.hash(number), identity.idNumberHash())) {
            tx.executeWithoutResult(s -> attempts.insert(citizen, AttemptKind.FACE, AttemptOutcome.INVALID_INPUT,
                    "id_number_mismatch"));
            throw AssuranceRefused.field(Refusal.ID_NUMBER_MISMATCH, "id_number", "id_number_mismatch",
                    "This is not the resident ID number this account was verified with.");
        }
        PersonName name = names.open(identity.nameCiphertext(), citizen);
        UUID attempt = tx.execute(s -> {
            limiter.admit(citizen, AttemptKind.FACE);
            if (accounts.currentLevel(citizen).satisfies(AssuranceLevel.FACE_VERIFIED)) {
                throw AssuranceRefused.of(Refusal.ALREADY_VERIFIED, "This account is already at level 3.");
            }
            return attempts.insert(citizen, AttemptKind.FACE, AttemptOutcome.PENDING, null);
        });
        FaceStart started = provider.start(attempt.toString(), name, number);
        if (started instanceof FaceStart.Started session) {
            tx.executeWithoutResult(s -> attempts.started(attempt, session.providerSession(), session.expiresAt()));
            log.info("Face verification {} of citizen {} started", attempt, citizen);
            return new FaceSession(attempt, session.providerSession(), session.sdkToken(), session.expiresAt());
        }
        if (started instanceof FaceStart.Rejected rejected) {
            close(attempt, AttemptOutcome.REJECTED, rejected.reason());
            log.error("The face verification provider refused our request (HTTP {}, {}): check "
                    + "civicstack.identity.assurance.face.*", rejected.status(), rejected.reason());
        } else {
            String reason = ((FaceStart.Unavailable) started).reason();
            close(attempt, AttemptOutcome.UNAVAILABLE, reason);
            log.warn("The face verification provider is unavailable ({})", reason);
        }
        throw unavailable();
    }

    public AssuranceLevel complete(CitizenId citizen, UUID verificationId) {
        VerificationAttempt attempt = attempts.find(verificationId)
                .filter(a -> a.citizen().equals(citizen) && a.kind() == AttemptKind.FACE)
                .orElseThrow(() -> AssuranceRefused.of(Refusal.FACE_VERIFICATION_NOT_FOUND,
                        "This account has no face verification with this id."));
        if (attempt.outcome() != AttemptOutcome.STARTED) {
            throw AssuranceRefused.of(Refusal.FACE_VERIFICATION_CLOSED,
                    "This face verification is closed (" + attempt.outcome().dbValue() + "); start a new one.");
        }
        if (attempt.expiresAt() != null && Instant.now(clock).isAfter(attempt.expiresAt())) {
            closeIfStarted(verificationId, AttemptOutcome.EXPIRED, "session_expired", null);
            throw AssuranceRefused.of(Refusal.FACE_VERIFICATION_EXPIRED,
                    "The face capture was not finished in time; start a new one.");
        }
        FaceResult result = provider.result(attempt.providerReference());
        if (result instanceof FaceResult.Pending) {
            throw AssuranceRefused.retryAfter(Refusal.FACE_VERIFICATION_PENDING,
                    "The face capture is not finished yet.", Duration.ofSeconds(2));
        }
        if (result instanceof FaceResult.Unavailable || result instanceof FaceResult.Rejected) {
            String reason = result instanceof FaceResult.Unavailable u ? u.reason() : ((FaceResult.Rejected) result).reason();
            tx.executeWithoutResult(s -> attempts.noteReason(verificationId, "result_" + reason));
            log.warn("Face verification {}: result unavailable ({})", verificationId, reason);
            throw unavailable();
        }
        if (result instanceof FaceResult.Expired) {
            closeIfStarted(verificationId, AttemptOutcome.EXPIRED, null, null);
            throw AssuranceRefused.of(Refusal.FACE_VERIFICATION_EXPIRED,
                    "The face capture was not finished in time; start a new one.");
        }
        FaceResult.Finished finished = (FaceResult.Finished) result;
        if (!finished.livenessPassed() || finished.matchScore() < matchThreshold) {
            String reason = !finished.livenessPassed() ? "liveness_failed" : "below_threshold";
            closeIfStarted(verificationId, AttemptOutcome.NO_MATCH, reason, null);
            log.info("Face verification {} of citizen {}: no match ({})", verificationId, citizen, reason);
            throw AssuranceRefused.field(Refusal.FACE_MISMATCH, "face", reason,
                    "The face verification did not confirm this identity.");
        }
        closeIfStarted(verificationId, AttemptOutcome.MATCH, null, AssuranceLevel.FACE_VERIFIED);
        log.info("Face verification {} of citizen {}: match, level 3", verificationId, citizen);
        return AssuranceLevel.FACE_VERIFIED;
    }

    /** Closes a started attempt once; a concurrent completion that closed it first wins, this one is refused. */
    private void closeIfStarted(UUID id, AttemptOutcome outcome, String reason, AssuranceLevel raiseTo) {
        boolean closed = Boolean.TRUE.equals(tx.execute(s -> {
            VerificationAttempt locked = attempts.findForUpdate(id).orElseThrow();
            if (locked.outcome() != AttemptOutcome.STARTED) {
                return false;
            }
            attempts.complete(id, outcome, reason, null, raiseTo == null ? null : raiseTo.level());
            if (raiseTo != null) {
                IdentityVerificationService.raise(accounts, events, locked.citizen(),
                        accounts.currentLevel(locked.citizen()), raiseTo, "face");
            }
            return true;
        }));
        if (!closed) {
            throw AssuranceRefused.of(Refusal.FACE_VERIFICATION_CLOSED,
                    "This face verification was completed by another request.");
        }
    }

    private void close(UUID attempt, AttemptOutcome outcome, String reason) {
        tx.executeWithoutResult(s -> attempts.complete(attempt, outcome, reason, null, null));
    }

    private static AssuranceRefused unavailable() {
        return AssuranceRefused.retryAfter(Refusal.FACE_PROVIDER_UNAVAILABLE,
                "The face verification provider cannot be reached right now; please try again later.",
                Duration.ofSeconds(30));
    }
}
