package org.civicstack.identity.clients;

import java.util.Optional;

import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;

/**
 * Where a registered client keeps what identity knows about it beyond OAuth: custom entries of Spring Authorization
 * Server's {@link ClientSettings}, persisted with the client. Read here and nowhere else.
 */
public final class PlatformClientSettings {

    static final String CLIENT_TYPE = "settings.client.civicstack.client-type";
    static final String AGENCY_ID = "settings.client.civicstack.agency-id";
    static final String JWKS = "settings.client.civicstack.jwks";
    static final String DISABLED = "settings.client.civicstack.disabled";

    private PlatformClientSettings() {
    }

    static ClientSettings.Builder write(ClientSettings.Builder settings, PlatformClient client) {
        writeType(settings, client.type());
        client.agency().ifPresent(agency -> settings.setting(AGENCY_ID, agency.value()));
        client.inlineJwks().ifPresent(jwks -> settings.setting(JWKS, jwks.json()));
        return settings;
    }

    static ClientSettings.Builder writeType(ClientSettings.Builder settings, ClientType type) {
        return settings.setting(CLIENT_TYPE, type.claimValue());
    }

    /** The client's type, or empty for a client that was not registered as a platform client. */
    public static Optional<ClientType> clientType(RegisteredClient client) {
        Object value = client.getClientSettings().getSetting(CLIENT_TYPE);
        return value instanceof String text ? Optional.of(ClientType.fromClaimValue(text)) : Optional.empty();
    }

    /** The agency an agency client acts for, when it is known. */
    public static Optional<AgencyId> agencyId(RegisteredClient client) {
        Object value = client.getClientSettings().getSetting(AGENCY_ID);
        return value instanceof String text ? Optional.of(new AgencyId(text)) : Optional.empty();
    }

    /** The public JWK set stored with the client for {@code private_key_jwt} (instead of a JWKS URI), as JSON. */
    public static Optional<String> jwks(RegisteredClient client) {
        Object value = client.getClientSettings().getSetting(JWKS);
        return value instanceof String text ? Optional.of(text) : Optional.empty();
    }

    /** Whether an operator disabled the client: it cannot authenticate (see {@code EnabledClientsRepository}). */
    public static boolean disabled(RegisteredClient client) {
        return Boolean.TRUE.equals(client.getClientSettings().getSetting(DISABLED));
    }
}
