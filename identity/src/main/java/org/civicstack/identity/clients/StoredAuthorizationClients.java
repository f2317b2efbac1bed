package org.civicstack.identity.clients;

import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * The client lookups of the stored-authorization service: from the {@link ClientCache} while fresh, also inside the
 * transaction every call of that service runs in. Its row mapper looks up the client of each authorization it reads
 * (by internal id), three times per refresh; the database was asked each time because the authorization
 * server's own view bypasses the cache inside transactions. Not a {@link RegisteredClientRepository} bean itself:
 * the authorization server authenticates clients with the one in {@code ClientsConfiguration}.
 */
public final class StoredAuthorizationClients {

    private final RegisteredClientRepository repository;

    StoredAuthorizationClients(RegisteredClientRepository repository) {
        this.repository = repository;
    }

    public RegisteredClientRepository repository() {
        return repository;
    }
}
