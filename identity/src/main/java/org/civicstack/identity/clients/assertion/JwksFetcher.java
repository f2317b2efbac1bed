package org.civicstack.identity.clients.assertion;

import java.net.URI;

import com.nimbusds.jose.jwk.JWKSet;

/** Fetches an agency's published JWK set (the extension point: tests and other transports implement it). */
@FunctionalInterface
public interface JwksFetcher {

    /**
     * @return the public keys published at {@code uri}
     * @throws JwksFetchException when the URI is refused by the network policy, unreachable, slow, too large, a
     *         redirect, not 200, or not a JWK set
     */
    JWKSet fetch(URI uri);
}
