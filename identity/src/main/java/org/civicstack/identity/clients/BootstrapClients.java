package org.civicstack.identity.clients;

import java.util.List;

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
 * reports ready. Idempotent; when several instances start together they take turns on a PostgreSQL advisory lock,
 * so none of them sees half of another's registration. Clients registered otherwise are left alone.
 */
public class BootstrapClients implements ApplicationRunner {

    private static final Logger log = LoggerFactory.getLogger(BootstrapClients.class);
    /** Arbitrary, fixed: the advisory lock that serialises bootstrap across identity instances. */
    static final long ADVISORY_LOCK_KEY = 0x1D_C11E_B007L;

    private final List<BootstrapClient> clients;
    private final PlatformClientRegistrar registrar;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transaction;

    public BootstrapClients(List<BootstrapClient> clients, PlatformClientRegistrar registrar, JdbcTemplate jdbc,
            TransactionTemplate transaction) {
        this.clients = List.copyOf(clients);
        this.registrar = registrar;
        this.jdbc = jdbc;
        this.transaction = transaction;
    }

    @Override
    public void run(ApplicationArguments args) {
        registerAll();
    }

    /** Validates every entry first, so that one bad entry registers nothing. */
    public void registerAll() {
        if (clients.isEmpty()) {
            return;
        }
        List<Entry> entries = new java.util.ArrayList<>();
        for (int i = 0; i < clients.size(); i++) {
            entries.add(parse(i, clients.get(i)));
        }
        transaction.executeWithoutResult(status -> {
            jdbc.queryForList("SELECT pg_advisory_xact_lock(?)", ADVISORY_LOCK_KEY);
            for (Entry entry : entries) {
                RegistrationOutcome outcome = registrar.register(entry.client(), entry.secret());
                log.info("Bootstrap client {} ({}): {}", entry.client().clientId(), entry.client().type().claimValue(),
                        outcome.name().toLowerCase(java.util.Locale.ROOT));
            }
        });
    }

    private static Entry parse(int index, BootstrapClient config) {
        String property = IdentityProperties.PREFIX + ".bootstrap-clients[" + index + "]";
        try {
            PlatformClient client = PlatformClient.of(config.clientId(), config.clientType(), config.agencyId(),
                    config.scopes(), config.jwkSetUri());
            ClientSecret secret = config.secret() == null || config.secret().isEmpty()
                    ? null : new ClientSecret(config.secret());
            if (secret == null && client.jwkSet().isEmpty()) {
                throw new IllegalArgumentException("needs a secret or a jwk-set-uri");
            }
            return new Entry(client, secret);
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(property + " is invalid: " + e.getMessage(), e);
        }
    }

    private record Entry(PlatformClient client, ClientSecret secret) {
    }
}
