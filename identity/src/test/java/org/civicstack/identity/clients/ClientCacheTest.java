package org.civicstack.identity.clients;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionSynchronizationUtils;

/**
 * The cache's freshness rules, with a store that counts its reads (the real JDBC path is covered by ClientAdminIT:
 * a disabled client is refused at once) and a clock the test moves.
 */
class ClientCacheTest {

    /** The database's part: clients by id, and how often it was asked. */
    static final class CountingStore implements RegisteredClientRepository {
        final Map<String, RegisteredClient> clients = new HashMap<>();
        int reads;
        Runnable duringRead = () -> { };

        @Override
        public void save(RegisteredClient client) {
            clients.put(client.getId(), client);
        }

        @Override
        public RegisteredClient findById(String id) {
            reads++;
            duringRead.run();
            return clients.get(id);
        }

        @Override
        public RegisteredClient findByClientId(String clientId) {
            reads++;
            duringRead.run();
            return clients.values().stream().filter(c -> c.getClientId().equals(clientId)).findFirst().orElse(null);
        }
    }

    final CountingStore store = new CountingStore();
    final AtomicLong now = new AtomicLong(1_000);
    final ClientCache cache = new ClientCache(store, Duration.ofSeconds(2), now::get);

    @AfterEach
    void noTransactionLeftBehind() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.clearSynchronization();
        }
        TransactionSynchronizationManager.setActualTransactionActive(false);
    }

    static RegisteredClient client(String clientId, String scope) {
        return RegisteredClient.withId("id-" + clientId).clientId(clientId).clientSecret("{noop}s")
                .clientAuthenticationMethod(ClientAuthenticationMethod.CLIENT_SECRET_BASIC)
                .authorizationGrantType(AuthorizationGrantType.CLIENT_CREDENTIALS).scope(scope).build();
    }

    @Test
    void aFreshEntryAnswersBothLookupsWithoutTheStoreAndExpiresAfterTheTtl() {
        store.save(client("agency-a", "registry:read"));

        assertThat(cache.cached().findByClientId("agency-a").getScopes()).containsExactly("registry:read");
        assertThat(cache.cached().findByClientId("agency-a")).isNotNull();
        assertThat(cache.cached().findById("id-agency-a")).isNotNull();
        assertThat(store.reads).isEqualTo(1);

        now.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(cache.cached().findByClientId("agency-a")).isNotNull();
        assertThat(store.reads).as("expired: read again").isEqualTo(2);
    }

    @Test
    void aSaveThroughEitherViewIsSeenByTheNextLookup() {
        store.save(client("agency-a", "registry:read"));
        cache.cached().findByClientId("agency-a");

        cache.uncached().save(client("agency-a", "registry:write"));
        assertThat(cache.cached().findByClientId("agency-a").getScopes()).containsExactly("registry:write");

        cache.cached().save(client("agency-a", "payments:create"));
        assertThat(cache.cached().findById("id-agency-a").getScopes()).containsExactly("payments:create");
    }

    @Test
    void theUncachedViewAlwaysReadsTheStore() {
        store.save(client("agency-a", "registry:read"));
        cache.uncached().findByClientId("agency-a");
        cache.uncached().findByClientId("agency-a");
        assertThat(store.reads).isEqualTo(2);
    }

    @Test
    void missesAreNotKept() {
        assertThat(cache.cached().findByClientId("nobody")).isNull();
        store.save(client("nobody", "registry:read"));
        assertThat(cache.cached().findByClientId("nobody")).isNotNull();
    }

    @Test
    void aLookupThatOverlappedAChangeIsNotKept() {
        store.save(client("agency-a", "registry:read"));
        store.duringRead = cache::invalidate; // a change commits while the row is being read
        cache.cached().findByClientId("agency-a");
        store.duringRead = () -> { };

        cache.cached().findByClientId("agency-a");
        assertThat(store.reads).isEqualTo(2);
    }

    @Test
    void insideATransactionLookupsReadTheStoreAndTheCacheIsEmptiedAgainAfterTheCommit() {
        store.save(client("agency-a", "registry:read"));
        cache.cached().findByClientId("agency-a");
        TransactionSynchronizationManager.initSynchronization();
        TransactionSynchronizationManager.setActualTransactionActive(true);

        cache.uncached().save(client("agency-a", "registry:write"));
        assertThat(cache.cached().findByClientId("agency-a").getScopes()).containsExactly("registry:write");
        TransactionSynchronizationManager.setActualTransactionActive(false);
        // another thread's lookup before the commit could have cached a row; the commit empties the cache again
        cache.cached().findByClientId("agency-a");
        int readsBeforeCommit = store.reads;
        TransactionSynchronizationUtils.invokeAfterCompletion(TransactionSynchronizationManager.getSynchronizations(),
                TransactionSynchronization.STATUS_COMMITTED);
        TransactionSynchronizationManager.clearSynchronization();

        cache.cached().findByClientId("agency-a");
        assertThat(store.reads).isEqualTo(readsBeforeCommit + 1);
    }

    @Test
    void theStoredAuthorizationViewAnswersFromMemoryInsideTransactionsAndStillSeesChanges() {
        store.save(client("agency-a", "registry:read"));
        cache.forStoredAuthorizations().findById("id-agency-a");
        int reads = store.reads;
        TransactionSynchronizationManager.initSynchronization();
        TransactionSynchronizationManager.setActualTransactionActive(true);

        assertThat(cache.forStoredAuthorizations().findById("id-agency-a").getScopes()).containsExactly("registry:read");
        assertThat(store.reads).as("inside a transaction, from memory").isEqualTo(reads);
        cache.cached().findById("id-agency-a");
        assertThat(store.reads).as("the authorization server's view still reads the store there").isEqualTo(reads + 1);

        cache.uncached().save(client("agency-a", "registry:write"));
        assertThat(cache.forStoredAuthorizations().findById("id-agency-a").getScopes())
                .as("a change is seen at once").containsExactly("registry:write");
    }
}
