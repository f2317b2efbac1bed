package org.civicstack.identity.clients;

import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;

/**
 * The repository Spring Authorization Server authenticates clients with: a disabled client is not found by its
 * {@code client_id}, so every grant, refresh, introspection and revocation it attempts is {@code invalid_client}.
 * Lookups by internal id still answer (stored authorizations refer to their client by it), and so does the
 * administration, which uses the JDBC repository directly.
 */
final class EnabledClientsRepository implements RegisteredClientRepository {

    private final RegisteredClientRepository delegate;

    EnabledClientsRepository(RegisteredClientRepository delegate) {
        this.delegate = delegate;
    }

    @Override
    public void save(RegisteredClient client) {
        delegate.save(client);
    }

    @Override
    public RegisteredClient findById(String id) {
        return delegate.findById(id);
    }

    @Override
    public RegisteredClient findByClientId(String clientId) {
        RegisteredClient client = delegate.findByClientId(clientId);
        return client == null || PlatformClientSettings.disabled(client) ? null : client;
    }
}
