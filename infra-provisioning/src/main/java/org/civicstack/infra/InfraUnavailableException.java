package org.civicstack.infra;

/** A configured server cannot be reached or an embedded one cannot start; names the setting to look at. */
public class InfraUnavailableException extends RuntimeException {

    private final String setting;

    public InfraUnavailableException(String message, String setting, Throwable cause) {
        super(message + " — check " + setting, cause);
        this.setting = setting;
    }

    public String setting() {
        return setting;
    }
}
