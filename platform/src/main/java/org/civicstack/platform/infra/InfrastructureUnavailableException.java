package org.civicstack.platform.infra;

/**
 * Start-up cannot reach or use a configured server. Carries the setting an operator should look at, so the
 * failure report names it instead of printing a driver stack trace.
 */
public class InfrastructureUnavailableException extends RuntimeException {

    private final String setting;

    public InfrastructureUnavailableException(String message, String setting, Throwable cause) {
        super(message, cause);
        this.setting = setting;
    }

    /** The property (and its environment variable) that decides which server is used. */
    public String setting() {
        return setting;
    }
}
