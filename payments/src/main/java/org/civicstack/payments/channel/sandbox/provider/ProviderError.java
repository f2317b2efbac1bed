package org.civicstack.payments.channel.sandbox.provider;

/** A refusal the provider answers with {@code status} and {@code {"code","message"}}; never escapes the server. */
final class ProviderError extends RuntimeException {

    private final int status;
    private final String code;

    ProviderError(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    static ProviderError malformed(String message) {
        return new ProviderError(400, "malformed_request", message);
    }

    static ProviderError unauthorized(String code, String message) {
        return new ProviderError(401, code, message);
    }

    static ProviderError notFound(String code, String message) {
        return new ProviderError(404, code, message);
    }

    static ProviderError conflict(String code, String message) {
        return new ProviderError(409, code, message);
    }
}
