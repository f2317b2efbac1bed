package org.civicstack.identity.session;

import java.security.Principal;
import java.util.List;
import java.time.Instant;
import java.util.Optional;
import java.util.UUID;

import org.civicstack.identity.citizen.CitizenId;
import org.civicstack.identity.events.TokenEvent;
import org.civicstack.identity.events.TokenEventType;
import org.civicstack.identity.events.TokenEvents;
import org.civicstack.identity.login.CitizenLoginPrincipal;
import org.civicstack.identity.login.CitizenLoginPrincipal.LoginFacts;
import org.civicstack.identity.revocation.Revocation;
import org.civicstack.identity.revocation.Revocations;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2AuthorizationService;

/**
 * A token family is every authorization descended from one login: all of them carry the login's {@code sid}.
 * Ending a session removes every authorization of the family (its access, refresh and ID tokens are then unknown:
 * inactive at introspection, refused at refresh) and ends the {@code citizen_session} row, recording
 * {@code FAMILY_REVOKED} and {@code SESSION_ENDED} — each once per family: ending a family that is already ended and
 * has no authorizations left records neither. Call inside the caller's transaction.
 */
public class TokenFamilies {

    private final JdbcTemplate jdbc;
    private final OAuth2AuthorizationService authorizations;
    private final CitizenSessions sessions;
    private final TokenEvents events;
    private final Revocations revocations;

    public TokenFamilies(JdbcTemplate jdbc, OAuth2AuthorizationService authorizations, CitizenSessions sessions,
            TokenEvents events, Revocations revocations) {
        this.jdbc = jdbc;
        this.authorizations = authorizations;
        this.sessions = sessions;
        this.events = events;
        this.revocations = revocations;
    }

    /** The login facts of an authorization's principal, when it is a citizen's. */
    public static Optional<LoginFacts> loginOf(OAuth2Authorization authorization) {
        Object principal = authorization.getAttribute(Principal.class.getName());
        return principal instanceof Authentication authentication ? CitizenLoginPrincipal.read(authentication)
                : Optional.empty();
    }

    /** Locks the session row until the caller's transaction ends, so refreshes of one family run one at a time. */
    public Optional<CitizenSession> lock(UUID sid) {
        return sessions.findForUpdate(sid);
    }

    /**
     * As {@link #lock}, for a refresh: the session is also marked active now, unless it has ended or was created
     * before {@code createdSince} (past its absolute lifetime), in the same statement.
     */
    public Optional<CitizenSession> lockForRefresh(UUID sid, Instant createdSince) {
        return sessions.touchForUpdate(sid, createdSince);
    }

    /** Ends the session (if still live) and removes every authorization of its family; returns how many. */
    public int end(CitizenId citizen, UUID sid, String reason, String clientId) {
        return end(citizen, sid, reason, clientId, "citizen_ended".equals(reason) ? "citizen:" + citizen : "system");
    }

    /**
     * As {@link #end(CitizenId, UUID, String, String)}, naming who ended it; the session's access tokens are revoked
     * at every gateway and resource server too (a {@code session} revocation).
     */
    public int end(CitizenId citizen, UUID sid, String reason, String clientId, String actor) {
        boolean ended = sessions.end(sid, reason);
        int removed = 0;
        List<String> ids = jdbc.queryForList("SELECT id FROM oauth2_authorization WHERE principal_name = ?",
                String.class, citizen.toString());
        for (String id : ids) {
            OAuth2Authorization authorization = authorizations.findById(id);
            if (authorization != null && loginOf(authorization).map(l -> l.sid().equals(sid)).orElse(false)) {
                authorizations.remove(authorization);
                removed++;
            }
        }
        if (ended) {
            events.record(TokenEvent.of(TokenEventType.SESSION_ENDED).citizen(citizen).session(sid).client(clientId)
                    .detail("reason", reason).build());
        }
        revocations.revoke(Revocation.Kind.SESSION, sid.toString(), actor, reason);
        if (ended || removed > 0) {
            // a family is revoked once: ending it again (a rotated-out token replayed after the reuse that revoked
            // it, an auditor revoking an ended session) revokes nothing and is no second family_revoked
            events.record(TokenEvent.of(TokenEventType.FAMILY_REVOKED).citizen(citizen).session(sid).client(clientId)
                    .detail("reason", reason).detail("authorizations", removed).build());
        }
        return removed;
    }
}
