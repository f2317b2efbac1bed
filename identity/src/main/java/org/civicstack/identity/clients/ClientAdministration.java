package org.civicstack.identity.clients;

import java.net.URI;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import org.civicstack.identity.events.TokenEvent;
import org.civicstack.identity.events.TokenEventType;
import org.civicstack.identity.events.TokenEvents;
import org.civicstack.identity.revocation.Revocation;
import org.civicstack.identity.revocation.Revocations;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What the operator client API does, in one transaction each, with a {@code client_changed} event (actor, action,
 * before and after — never a secret or key material, only key ids). Rules: an agency client authenticates with
 * keys only ({@code private_key_jwt}, inline JWK set or JWKS URI); operator and platform clients get a generated
 * secret, shown once. Rotation replaces whichever credential the client has (its secret when it has one).
 */
public class ClientAdministration {

    /** A client as the API shows it. */
    public record ClientView(String clientId, String clientType, String agencyId, List<String> scopes,
            List<String> authMethods, String jwkSetUri, List<String> jwksKeyIds, boolean disabled, Instant createdAt) {
    }

    /** A created or rotated client, with the new secret when one was generated (the only time it is shown). */
    public record Issued(ClientView client, String clientSecret) {
    }

    /** The client does not exist. */
    public static final class UnknownClient extends RuntimeException {
        UnknownClient(String clientId) {
            super("No client '" + clientId + "'.", null, false, false);
        }
    }

    /** A client with that id exists already. */
    public static final class ClientExists extends RuntimeException {
        ClientExists(String clientId) {
            super("A client '" + clientId + "' exists already.", null, false, false);
        }
    }

    private final RegisteredClientRepository clients;
    private final PlatformClientRegistrar registrar;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;
    private final TokenEvents events;
    private final Revocations revocations;
    private final SecureRandom random = new SecureRandom();

    public ClientAdministration(RegisteredClientRepository clients, PlatformClientRegistrar registrar, JdbcTemplate jdbc,
            TransactionTemplate transaction, TokenEvents events, Revocations revocations) {
        this.revocations = revocations;
        this.clients = clients;
        this.registrar = registrar;
        this.jdbc = jdbc;
        this.transaction = transaction;
        this.events = events;
    }

    /**
     * @param client checked by its own constructor; an agency client must carry keys
     * @throws ClientExists when the id is taken
     * @throws IllegalArgumentException when a rule is broken (e.g. the JWKS URI is refused)
     */
    public Issued create(PlatformClient client, String actor) {
        return transaction.execute(status -> {
            if (clients.findByClientId(client.clientId().value()) != null) {
                throw new ClientExists(client.clientId().value());
            }
            ClientSecret secret = client.type() == ClientType.AGENCY ? null : newSecret();
            registrar.register(client, secret);
            ClientView after = view(clients.findByClientId(client.clientId().value()));
            record(actor, "created", null, after);
            return new Issued(after, secret == null ? null : secret.reveal());
        });
    }

    public Optional<ClientView> find(String clientId) {
        return Optional.ofNullable(clients.findByClientId(clientId))
                .filter(client -> PlatformClientSettings.clientType(client).isPresent()).map(ClientAdministration::view);
    }

    /** Every client registered for the platform APIs, by client id. */
    public List<ClientView> list() {
        List<String> ids = jdbc.queryForList("SELECT client_id FROM oauth2_registered_client ORDER BY client_id",
                String.class);
        List<ClientView> views = new ArrayList<>();
        for (String id : ids) {
            RegisteredClient client = clients.findByClientId(id);
            if (client != null && PlatformClientSettings.clientType(client).isPresent()) {
                views.add(view(client));
            }
        }
        return views;
    }

    /**
     * A new secret for a client that has one; otherwise the new keys ({@code jwks} or {@code jwkSetUri}, one of them).
     *
     * @throws IllegalArgumentException when keys are needed and missing, or offered to a secret client
     */
    public Issued rotate(String clientId, ClientJwks jwks, URI jwkSetUri, String actor) {
        return transaction.execute(status -> {
            RegisteredClient existing = require(clientId);
            ClientView before = view(existing);
            PlatformClient current = toPlatformClient(existing);
            ClientSecret secret = null;
            PlatformClient next;
            if (existing.getClientSecret() != null) {
                if (jwks != null || jwkSetUri != null) {
                    throw new IllegalArgumentException("client " + clientId + " authenticates with a secret; "
                            + "rotation issues a new secret and takes no keys");
                }
                secret = newSecret();
                next = current;
            } else {
                if ((jwks == null) == (jwkSetUri == null)) {
                    throw new IllegalArgumentException("give the new keys as jwks or jwk_set_uri (one of them)");
                }
                next = jwks != null ? current.withJwks(jwks)
                        : new PlatformClient(current.clientId(), current.type(), current.agencyId(), current.scopes(),
                                jwkSetUri, null);
            }
            registrar.register(next, secret);
            ClientView after = view(require(clientId));
            record(actor, "rotated", before, after);
            return new Issued(after, secret == null ? null : secret.reveal());
        });
    }

    /** Disables or enables; returns the client as it is now. Idempotent (no event when nothing changes). */
    public ClientView setDisabled(String clientId, boolean disabled, String actor) {
        return transaction.execute(status -> {
            RegisteredClient existing = require(clientId);
            ClientView before = view(existing);
            if (PlatformClientSettings.disabled(existing) == disabled) {
                return before;
            }
            ClientSettings.Builder settings = ClientSettings.withSettings(existing.getClientSettings().getSettings());
            settings.setting(PlatformClientSettings.DISABLED, disabled);
            clients.save(RegisteredClient.from(existing).clientSettings(settings.build()).build());
            ClientView after = view(require(clientId));
            record(actor, disabled ? "disabled" : "enabled", before, after);
            if (disabled) {
                // its access tokens are JWTs checked locally: refuse them at every gateway and resource server
                revocations.revoke(Revocation.Kind.CLIENT, clientId, "client:" + actor, "client_disabled");
            }
            return after;
        });
    }

    private RegisteredClient require(String clientId) {
        RegisteredClient client = clients.findByClientId(clientId);
        if (client == null || PlatformClientSettings.clientType(client).isEmpty()) {
            throw new UnknownClient(clientId);
        }
        return client;
    }

    private static PlatformClient toPlatformClient(RegisteredClient client) {
        String uri = client.getClientSettings().getJwkSetUrl();
        PlatformClient base = PlatformClient.of(client.getClientId(), PlatformClientSettings.clientType(client).orElseThrow(),
                PlatformClientSettings.agencyId(client).map(AgencyId::value).orElse(null), Set.copyOf(client.getScopes()),
                uri == null ? null : URI.create(uri));
        return PlatformClientSettings.jwks(client).map(json -> base.withJwks(ClientJwks.parse(json))).orElse(base);
    }

    static ClientView view(RegisteredClient client) {
        List<String> kids = PlatformClientSettings.jwks(client).map(json -> ClientJwks.parse(json).keys().getKeys()
                .stream().map(key -> key.getKeyID()).toList()).orElse(List.of());
        return new ClientView(client.getClientId(),
                PlatformClientSettings.clientType(client).map(ClientType::claimValue).orElse(null),
                PlatformClientSettings.agencyId(client).map(AgencyId::value).orElse(null),
                List.copyOf(new TreeSet<>(client.getScopes())),
                client.getClientAuthenticationMethods().stream().map(ClientAuthenticationMethod::getValue).sorted()
                        .toList(),
                client.getClientSettings().getJwkSetUrl(), kids, PlatformClientSettings.disabled(client),
                client.getClientIdIssuedAt());
    }

    private void record(String actor, String action, ClientView before, ClientView after) {
        events.record(TokenEvent.of(TokenEventType.CLIENT_CHANGED)
                .client(after.clientId())
                .detail("actor", actor)
                .detail("action", action)
                .detail("before", before == null ? null : summary(before))
                .detail("after", summary(after))
                .build());
    }

    /** What changed, without secrets or key material: type, agency, scopes, methods, JWKS URI, key ids, state. */
    private static String summary(ClientView view) {
        Map<String, Object> facts = new LinkedHashMap<>();
        facts.put("client_type", view.clientType());
        facts.put("agency_id", view.agencyId());
        facts.put("scopes", String.join(" ", view.scopes()));
        facts.put("auth_methods", String.join(" ", view.authMethods()));
        facts.put("jwk_set_uri", view.jwkSetUri());
        facts.put("jwks_kids", String.join(" ", view.jwksKeyIds()));
        facts.put("disabled", view.disabled());
        return facts.toString();
    }

    private ClientSecret newSecret() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return new ClientSecret(Base64.getUrlEncoder().withoutPadding().encodeToString(bytes));
    }
}
