package org.civicstack.gateway.access;

import java.util.concurrent.CompletableFuture;

import com.nimbusds.jose.jwk.JWK;

/** Where verification keys come from. */
public interface KeySource {

    /**
     * The key with this {@code kid}: an already completed future when it is known; otherwise one that completes
     * after a refresh, with {@code null} when the key is still unknown then. Never blocks.
     */
    CompletableFuture<JWK> key(String kid);
}
