package org.civicstack.identity.jdbc;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Values kept for the rest of the current database transaction, then dropped: what one token request would
 * otherwise read several times (the stored authorization, the citizen's assurance level) and what it writes once
 * at commit (its outbox events). Outside a transaction nothing is kept and every call computes.
 *
 * <p>Only for values that the transaction itself makes or that cannot change in ways that matter before it ends;
 * whoever writes a kept value again replaces or forgets it ({@link #put}, {@link #forget}).
 */
public final class TransactionMemo {

    private TransactionMemo() {
    }

    /** The kept value for the key, computed (and kept, when non-null) on first use. */
    @SuppressWarnings("unchecked")
    public static <K, V> V get(K key, Function<? super K, ? extends V> compute) {
        Map<Object, Object> values = values();
        if (values == null) {
            return compute.apply(key);
        }
        Object kept = values.get(key);
        if (kept != null) {
            return (V) kept;
        }
        V value = compute.apply(key);
        if (value != null) {
            values.put(key, value);
        }
        return value;
    }

    public static void put(Object key, Object value) {
        Map<Object, Object> values = values();
        if (values != null) {
            values.put(key, value);
        }
    }

    /** Forgets the key's value. */
    public static void forget(Object key) {
        Map<Object, Object> values = values();
        if (values != null) {
            values.remove(key);
        }
    }

    /** Forgets every kept value whose key is of the type (e.g. all token lookups after a write). */
    public static void forgetAll(Class<?> keyType) {
        Map<Object, Object> values = values();
        if (values != null) {
            values.keySet().removeIf(keyType::isInstance);
        }
    }

    /**
     * The current transaction's values, kept by a synchronisation of its own: a transaction suspended for another
     * ({@code REQUIRES_NEW}) keeps its synchronisations apart, so each sees only its own values.
     */
    private static Map<Object, Object> values() {
        Values values = synchronization(Values.class, Values::new);
        return values == null ? null : values.map;
    }

    /**
     * The current transaction's synchronisation of this type, registered on first use (e.g. one that writes what
     * the transaction collected before it commits); null outside a transaction.
     */
    public static <S extends TransactionSynchronization> S synchronization(Class<S> type, Supplier<S> create) {
        if (!TransactionSynchronizationManager.isSynchronizationActive()) {
            return null;
        }
        for (TransactionSynchronization synchronization : TransactionSynchronizationManager.getSynchronizations()) {
            if (type.isInstance(synchronization)) {
                return type.cast(synchronization);
            }
        }
        S created = create.get();
        TransactionSynchronizationManager.registerSynchronization(created);
        return created;
    }

    private static final class Values implements TransactionSynchronization {
        final Map<Object, Object> map = new HashMap<>();
    }
}
