package org.civicstack.identity.assurance.verification;

import java.time.Instant;
import java.util.UUID;

import org.civicstack.identity.citizen.CitizenId;

/** One row of {@code verification_attempt}. */
public record VerificationAttempt(UUID id, CitizenId citizen, AttemptKind kind, AttemptOutcome outcome,
        String reason, String providerReference, Instant expiresAt, Instant createdAt) {
}
