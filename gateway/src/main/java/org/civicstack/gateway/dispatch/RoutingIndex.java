package org.civicstack.gateway.dispatch;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory index of every routed agency service: a hash lookup by code, O(1) in the number of services, updated
 * one entry at a time from the registry's change feed. Versions make updates idempotent and reveal gaps: an
 * update that is not the next version is refused, and the caller catches up before applying more.
 */
public final class RoutingIndex {

    private static final Logger log = LoggerFactory.getLogger(RoutingIndex.class);

    /** What {@link #apply} did with a change. */
    public enum Outcome { APPLIED, DUPLICATE, GAP }

    private final Map<String, DispatchRoute> routes = new ConcurrentHashMap<>(16_384);
    private volatile long version = -1;

    public DispatchRoute find(String code) {
        return routes.get(code);
    }

    public long version() {
        return version;
    }

    public boolean isLoaded() {
        return version >= 0;
    }

    public int size() {
        return routes.size();
    }

    /** Applies one change if it is the next version. Single writer: the routing sync. */
    public synchronized Outcome apply(RouteEntry change) {
        if (version >= 0 && change.version() <= version) {
            return Outcome.DUPLICATE;
        }
        if (version < 0 || change.version() != version + 1) {
            return Outcome.GAP;
        }
        put(change);
        version = change.version();
        return Outcome.APPLIED;
    }

    /** Loads a snapshot: entries replace the whole table as of {@code snapshotVersion}. */
    public synchronized void load(long snapshotVersion, Iterable<RouteEntry> entries) {
        Map<String, DispatchRoute> fresh = new ConcurrentHashMap<>(16_384);
        for (RouteEntry entry : entries) {
            compile(entry, fresh);
        }
        routes.keySet().retainAll(fresh.keySet());
        routes.putAll(fresh);
        version = snapshotVersion;
    }

    private void put(RouteEntry entry) {
        compile(entry, routes);
    }

    private static void compile(RouteEntry entry, Map<String, DispatchRoute> into) {
        try {
            into.put(entry.code(), new DispatchRoute(entry));
        } catch (RuntimeException e) {
            // a malformed entry must not stop the feed; the service stays unroutable and the error is visible
            log.error("Routing entry for {} (version {}) is unusable: {}", entry.code(), entry.version(), e.toString());
            into.remove(entry.code());
        }
    }
}
