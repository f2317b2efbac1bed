package org.civicstack.identity.session;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.civicstack.identity.citizen.CitizenId;

/**
 * One login of a citizen: the {@code sid} of every token descended from it.
 *
 * @param amr how the citizen authenticated (RFC 8176 values, e.g. {@code sms})
 * @param authTime when the citizen authenticated ({@code auth_time})
 * @param clientId the OAuth client the login was for, once known
 * @param endReason why it ended ({@code citizen_ended}, {@code refresh_reuse}, {@code revoked}, {@code expired}); null while live
 */
public record CitizenSession(UUID sid, CitizenId citizen, String clientId, List<String> amr, Instant authTime,
        Instant createdAt, Instant lastActiveAt, String userAgent, Instant endedAt, String endReason) {

    public boolean live() {
        return endedAt == null;
    }
}
