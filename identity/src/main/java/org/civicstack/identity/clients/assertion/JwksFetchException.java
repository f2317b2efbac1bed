package org.civicstack.identity.clients.assertion;

/** A JWK set could not be fetched; the message says why without echoing the response. */
public final class JwksFetchException extends RuntimeException {

    public JwksFetchException(String message) {
        super(message, null, false, false);
    }

    public JwksFetchException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
