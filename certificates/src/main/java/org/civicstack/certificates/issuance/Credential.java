package org.civicstack.certificates.issuance;

import java.time.Instant;

/**
 * A credential as stored: everything but its content in clear, the SD-JWT VC itself (claims, disclosures) sealed in
 * {@code payload}.
 *
 * @param status {@code valid}, {@code suspended}, {@code revoked} or {@code superseded}
 */
public record Credential(String id, String typeId, String issuerAgencyId, String citizenRef, String status,
        String statusListId, int statusIndex, Instant issuedAt, Instant expiresAt, String supersedes,
        String supersededBy, String statusReason, byte[] payload, int version, Instant updatedAt) {

    /** The associated data its payload is sealed with: a payload copied to another row or owner does not open. */
    public byte[] associatedData() {
        return associatedData(id, citizenRef);
    }

    public static byte[] associatedData(String id, String citizenRef) {
        return ("credential:" + id + ":" + citizenRef).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    public boolean usable() {
        return "valid".equals(status);
    }
}
