package org.civicstack.certificates.statuslist;

import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * Gives the verifier the status list a credential points at, already trusted. The same verification code runs
 * online (fetch the token from its URI, check it with {@link StatusListTokenVerifier}) and offline (a list obtained
 * earlier, e.g. cached in the verifier's app for its {@code ttl}).
 */
@FunctionalInterface
public interface StatusListResolver {

    /**
     * @throws StatusListException if no trustworthy list for {@code uri} can be had
     */
    StatusList resolve(URI uri);

    /** Offline: fixed lists by URI; any other URI is {@code unavailable}. */
    static StatusListResolver of(Map<URI, StatusList> lists) {
        Map<URI, StatusList> copy = Map.copyOf(lists);
        return uri -> {
            StatusList list = copy.get(uri);
            if (list == null) {
                throw new StatusListException("unavailable", "no status list for " + uri);
            }
            return list;
        };
    }

    /**
     * Online: {@code fetch} returns the compact Status List Token served at a URI (the web layer supplies an HTTP
     * client with timeouts); it is checked by {@code verifier} before use.
     */
    static StatusListResolver fetching(Function<URI, String> fetch, StatusListTokenVerifier verifier) {
        Objects.requireNonNull(fetch, "fetch");
        Objects.requireNonNull(verifier, "verifier");
        return uri -> {
            String jwt;
            try {
                jwt = fetch.apply(uri);
            } catch (RuntimeException e) {
                throw new StatusListException("unavailable", "cannot fetch " + uri + ": " + e.getMessage(), e);
            }
            if (jwt == null) {
                throw new StatusListException("unavailable", "nothing at " + uri);
            }
            return verifier.verify(jwt, uri).list();
        };
    }
}
