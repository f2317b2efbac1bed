package org.civicstack.certificates.sharing;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * An agency's request for data from a citizen.
 *
 * @param citizenRef   the citizen it is addressed to; null for an open request until a citizen opens it
 * @param status       {@code pending}, {@code approved}, {@code declined} or {@code expired}
 * @param presentation the sealed {@code vp_token} once approved
 * @param decidedBy    {@code citizen} or {@code standing_consent}
 */
public record PresentationRequest(String id, String agencyId, String clientId, String citizenRef,
        List<CredentialQuery> queries, Map<String, String> purpose, String nonce, String callbackUrl, String status,
        byte[] presentation, String consentId, String decidedBy, Instant createdAt, Instant expiresAt,
        Instant decidedAt) {

    /** The status as of {@code now}: a pending request past its expiry is expired. */
    public String statusAt(Instant now) {
        return "pending".equals(status) && !now.isBefore(expiresAt) ? "expired" : status;
    }

    public static byte[] associatedData(String id) {
        return ("presentation:" + id).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }
}
