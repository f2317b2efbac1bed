package org.civicstack.identity.clients;

import java.math.BigInteger;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.civicstack.identity.IdentityProperties;
import org.civicstack.identity.IdentityProperties.BootstrapClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Registers the clients listed in {@code civicstack.identity.bootstrap-clients} at every start, before identity
 * reports ready. Every entry is checked when this bean is created, so a malformed one fails the start with a message
 * naming the entry, the field (as property and environment variable) and why. Idempotent; when several instances start together they take turns on a PostgreSQL advisory lock,
 * so none of them sees half of another's registration. Clients registered otherwise are left alone.
 */
public class BootstrapClients implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(BootstrapClients.class);
    /** Arbitrary, fixed: the advisory lock that serialises bootstrap across identity instances. */
    static final long ADVISORY_LOCK_KEY = 0x1D_C11E_B007L;

    private final List<Entry> entries;
    private final PlatformClientRegistrar registrar;
    private final CitizenAppClientRegistrar apps;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;

    /**
     * Checks every entry at once, so that a bad one fails identity's start before anything is registered.
     *
     * @param clients the entries by name ({@code civicstack.identity.bootstrap-clients[<name>]})
     * @throws IllegalStateException naming the first invalid entry, its field and why
     */
    public BootstrapClients(Map<String, BootstrapClient> clients, PlatformClientRegistrar registrar, JdbcTemplate jdbc,
            TransactionTemplate transaction) {
        this(clients, registrar, null, jdbc, transaction);
    }

    /** Also registers citizen app entries ({@code client-type: citizen_app}) through {@code apps}. */
    public BootstrapClients(Map<String, BootstrapClient> clients, PlatformClientRegistrar registrar,
            CitizenAppClientRegistrar apps, JdbcTemplate jdbc, TransactionTemplate transaction) {
        this.entries = parseAll(clients);
        if (apps == null && entries.stream().anyMatch(entry -> entry.app() != null)) {
            throw new IllegalStateException("citizen app entries need a CitizenAppClientRegistrar");
        }
        this.registrar = registrar;
        this.apps = apps;
        this.jdbc = jdbc;
        this.transaction = transaction;
    }

    @Override
    public void run(ApplicationArguments args) {
        registerAll();
    }

    /** Registers every entry in one transaction: all or nothing. */
    public void registerAll() {
        if (entries.isEmpty()) {
            return;
        }
        transaction.executeWithoutResult(status -> {
            jdbc.queryForList("SELECT pg_advisory_xact_lock(?)", ADVISORY_LOCK_KEY);
            for (Entry entry : entries) {
                RegistrationOutcome outcome = entry.app() != null ? apps.register(entry.app())
                        : registrar.register(entry.client(), entry.secret());
                log.info("Bootstrap client {} ({}): {}", entry.clientId(), entry.type().claimValue(),
                        outcome.name().toLowerCase(Locale.ROOT));
            }
        });
    }

    /**
     * The entries in a stable order (numeric names by number, then the others by name), each checked; two entries
     * registering the same client id are refused, since one would silently overwrite the other.
     */
    static List<Entry> parseAll(Map<String, BootstrapClient> clients) {
        List<String> names = new ArrayList<>(clients.keySet());
        names.sort(Comparator.comparing((String name) -> !name.chars().allMatch(Character::isDigit) || name.isEmpty())
                .thenComparing(name -> name.chars().allMatch(Character::isDigit) && !name.isEmpty()
                        ? new BigInteger(name) : BigInteger.ZERO)
                .thenComparing(Comparator.naturalOrder()));
        List<Entry> entries = new ArrayList<>();
        Map<String, String> nameByClientId = new HashMap<>();
        for (String name : names) {
            Entry entry = parse(name, clients.get(name));
            String clientId = entry.clientId().value();
            String previous = nameByClientId.putIfAbsent(clientId, name);
            if (previous != null) {
                throw invalid(name, "client-id", "'" + clientId + "' is already registered by " + property(previous)
                        + "; give each client its own id");
            }
            entries.add(entry);
        }
        return List.copyOf(entries);
    }

    private static Entry parse(String name, BootstrapClient config) {
        if (config.clientId() == null || config.clientId().isBlank()) {
            throw invalid(name, "client-id", "is missing");
        }
        try {
            new ClientId(config.clientId());
        } catch (IllegalArgumentException e) {
            throw invalid(name, "client-id", e.getMessage());
        }
        if (config.clientType() == null || config.clientType().isBlank()) {
            throw invalid(name, "client-type", "is missing: one of " + clientTypes());
        }
        ClientType type;
        try {
            type = ClientType.fromClaimValue(config.clientType().trim().toLowerCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw invalid(name, "client-type", "'" + config.clientType() + "' is not one of " + clientTypes());
        }
        if (type == ClientType.CITIZEN_APP) {
            return parseCitizenApp(name, config);
        }
        if (config.redirectUris() != null && !config.redirectUris().isEmpty()) {
            throw invalid(name, "redirect-uris", "is only for citizen_app clients; a " + type.claimValue()
                    + " client uses the client credentials grant");
        }
        if (config.scopes() == null || config.scopes().isEmpty()) {
            throw invalid(name, "scopes", "is missing: a comma-separated list such as registry:read,registry:write");
        }
        ClientSecret secret = null;
        if (config.secret() != null && !config.secret().isEmpty()) {
            try {
                secret = new ClientSecret(config.secret());
            } catch (IllegalArgumentException e) {
                throw invalid(name, "secret", e.getMessage());
            }
        }
        URI jwkSetUri = null;
        if (config.jwkSetUri() != null && !config.jwkSetUri().isBlank()) {
            try {
                jwkSetUri = new URI(config.jwkSetUri().trim());
            } catch (URISyntaxException e) {
                throw invalid(name, "jwk-set-uri", "'" + config.jwkSetUri() + "' is not a URL: " + e.getMessage());
            }
        }
        if (secret == null && jwkSetUri == null) {
            throw invalid(name, "secret", "is missing: the entry needs a secret or a jwk-set-uri");
        }
        try {
            PlatformClient client = PlatformClient.of(config.clientId(), type, config.agencyId(), config.scopes(),
                    jwkSetUri);
            return new Entry(client, secret, null);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(property(name) + " is invalid: " + e.getMessage());
        }
    }

    /** A public client: no secret, no JWK set, no agency; exact redirect URIs and app scopes. */
    private static Entry parseCitizenApp(String name, BootstrapClient config) {
        if (config.secret() != null && !config.secret().isEmpty()) {
            throw invalid(name, "secret", "must not be set: a citizen_app is a public client (PKCE, no secret)");
        }
        if (config.jwkSetUri() != null && !config.jwkSetUri().isBlank()) {
            throw invalid(name, "jwk-set-uri", "must not be set: a citizen_app is a public client");
        }
        if (config.agencyId() != null && !config.agencyId().isBlank()) {
            throw invalid(name, "agency-id", "must not be set: only agency clients carry an agency id");
        }
        if (config.scopes() == null || config.scopes().isEmpty()) {
            throw invalid(name, "scopes", "is missing: a comma-separated list such as openid,offline_access");
        }
        if (config.redirectUris() == null || config.redirectUris().isEmpty()) {
            throw invalid(name, "redirect-uris", "is missing: the exact redirect URIs of the app, comma-separated");
        }
        try {
            return new Entry(null, null, CitizenAppClient.of(config.clientId(), config.scopes(), config.redirectUris()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(property(name) + " is invalid: " + e.getMessage());
        }
    }

    /** e.g. {@code civicstack.identity.bootstrap-clients[5]}. */
    static String property(String name) {
        return IdentityProperties.PREFIX + ".bootstrap-clients[" + name + "]";
    }

    /**
     * Names the entry's field as a property and as the environment variable that sets it. Without a cause: the
     * message is complete, and a launcher reporting the innermost cause shows exactly this.
     */
    private static IllegalStateException invalid(String name, String field, String why) {
        String env = "CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_" + name.toUpperCase(Locale.ROOT).replace("-", "")
                .replace('.', '_') + "_" + field.toUpperCase(Locale.ROOT).replace("-", "");
        return new IllegalStateException(property(name) + "." + field + " (env " + env + ") " + why);
    }

    private static String clientTypes() {
        return java.util.Arrays.stream(ClientType.values()).map(ClientType::claimValue)
                .collect(java.util.stream.Collectors.joining(", "));
    }

    /** A platform client with its secret, or (with {@code client} and {@code secret} null) a citizen app. */
    record Entry(PlatformClient client, ClientSecret secret, CitizenAppClient app) {

        ClientId clientId() {
            return app != null ? app.clientId() : client.clientId();
        }

        ClientType type() {
            return app != null ? ClientType.CITIZEN_APP : client.type();
        }
    }
}
