package org.civicstack.identity.revocation;

import java.util.List;
import java.util.UUID;

import org.civicstack.identity.authorization.ClientCredentialsTokens;
import org.civicstack.identity.citizen.CitizenId;
import org.civicstack.identity.events.TokenEvent;
import org.civicstack.identity.events.TokenEventType;
import org.civicstack.identity.events.TokenEvents;
import org.civicstack.identity.session.CitizenSession;
import org.civicstack.identity.session.CitizenSessions;
import org.civicstack.identity.session.TokenFamilies;
import org.civicstack.platform.error.ApiProblem;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A security team's revocation by one of four keys, everywhere: identity ends what it holds (the session's or
 * citizen's sessions and refresh tokens, the client's authorizations) and records a {@link Revocation} that every
 * gateway and resource server applies to the access tokens already out, all in one transaction. The action itself
 * is an audit entry ({@code token_revoked} with the actor and what was revoked).
 */
@Service
public class RevocationService {

    private final Revocations revocations;
    private final TokenFamilies families;
    private final CitizenSessions sessions;
    private final RegisteredClientRepository clients;
    private final JdbcTemplate jdbc;
    private final TokenEvents events;
    private final TransactionTemplate transaction;
    private final ClientCredentialsTokens clientTokens;

    public RevocationService(Revocations revocations, TokenFamilies families, CitizenSessions sessions,
            RegisteredClientRepository clients, JdbcTemplate jdbc, TokenEvents events,
            TransactionTemplate transaction, ClientCredentialsTokens clientTokens) {
        this.clientTokens = clientTokens;
        this.revocations = revocations;
        this.families = families;
        this.sessions = sessions;
        this.clients = clients;
        this.jdbc = jdbc;
        this.events = events;
        this.transaction = transaction;
    }

    /**
     * @throws ApiProblem 404 when the session, citizen or client does not exist; 400 when the value is malformed
     */
    public Revocation revoke(Revocation.Kind kind, String value, String actor, String reason) {
        return transaction.execute(status -> {
            Revocation revocation = switch (kind) {
                case TOKEN -> revocations.revoke(kind, value, actor, reason);
                case SESSION -> revokeSession(value, actor, reason);
                case CITIZEN -> revokeCitizen(value, actor, reason);
                case CLIENT -> revokeClient(value, actor, reason);
            };
            events.record(TokenEvent.of(TokenEventType.TOKEN_REVOKED)
                    .jti(kind == Revocation.Kind.TOKEN ? value : null)
                    .session(kind == Revocation.Kind.SESSION ? value : null)
                    .citizen(kind == Revocation.Kind.CITIZEN ? value : null)
                    .client(kind == Revocation.Kind.CLIENT ? value : null)
                    .detail("actor", actor).detail("revoked", kind.wireName()).detail("reason", reason)
                    .detail("revocation_id", revocation.id()).build());
            return revocation;
        });
    }

    private Revocation revokeSession(String value, String actor, String reason) {
        UUID sid = uuid(value, "session");
        CitizenSession session = families.lock(sid).orElseThrow(() -> notFound("session", value));
        families.end(session.citizen(), sid, "revoked", session.clientId(), actor);
        return latest(Revocation.Kind.SESSION, value, actor, reason);
    }

    private Revocation revokeCitizen(String value, String actor, String reason) {
        CitizenId citizen;
        try {
            citizen = CitizenId.parse(value);
        } catch (IllegalArgumentException e) {
            throw malformed("citizen");
        }
        Integer known = jdbc.queryForObject("SELECT count(*) FROM citizen WHERE id = ?", Integer.class,
                citizen.value());
        if (known == null || known == 0) {
            throw notFound("citizen", value);
        }
        for (CitizenSession session : sessions.live(citizen)) {
            families.lock(session.sid());
            families.end(citizen, session.sid(), "revoked", session.clientId(), actor);
        }
        return revocations.revoke(Revocation.Kind.CITIZEN, value, actor, reason);
    }

    private Revocation revokeClient(String value, String actor, String reason) {
        RegisteredClient client = clients.findByClientId(value);
        if (client == null) {
            throw notFound("client", value);
        }
        List<UUID> live = jdbc.queryForList("SELECT sid FROM citizen_session WHERE client_id = ? AND ended_at IS NULL",
                UUID.class, value);
        for (UUID sid : live) {
            families.lock(sid).ifPresent(session ->
                    families.end(session.citizen(), sid, "revoked", session.clientId(), actor));
        }
        jdbc.update("DELETE FROM oauth2_authorization WHERE registered_client_id = ?", client.getId());
        clientTokens.invalidateForClient(client.getId());
        return revocations.revoke(Revocation.Kind.CLIENT, value, actor, reason);
    }

    /** The revocation {@link TokenFamilies#end} just recorded for this session. */
    private Revocation latest(Revocation.Kind kind, String value, String actor, String reason) {
        return jdbc.query("SELECT id, revoked_at, expires_at FROM revocation WHERE kind = ? AND value = ? "
                        + "ORDER BY revoked_at DESC LIMIT 1", (row, n) -> new Revocation(row.getObject(1, UUID.class),
                        kind, value, row.getTimestamp(2).toInstant(), row.getTimestamp(3).toInstant(), actor, reason),
                kind.wireName(), value).stream().findFirst()
                .orElseGet(() -> revocations.revoke(kind, value, actor, reason));
    }

    private static UUID uuid(String value, String what) {
        try {
            if (value.length() == 36) {
                return UUID.fromString(value);
            }
        } catch (IllegalArgumentException e) {
            // below
        }
        throw malformed(what);
    }

    private static ApiProblem malformed(String what) {
        return new ApiProblem(400, "malformed_value", "Malformed value", "The value is not a " + what + " id.");
    }

    private static ApiProblem notFound(String what, String value) {
        return new ApiProblem(404, what + "_not_found", "Not found", "There is no " + what + " " + value + ".");
    }
}
