package org.civicstack.gateway.access;

import java.util.concurrent.CompletableFuture;

import com.nimbusds.jose.jwk.JWKSet;

/** Fetches the current JWKS of identity, asynchronously. */
@FunctionalInterface
public interface JwksFetcher {

    CompletableFuture<JWKSet> fetch();
}
