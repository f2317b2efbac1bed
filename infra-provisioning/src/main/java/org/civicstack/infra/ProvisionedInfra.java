package org.civicstack.infra;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The PostgreSQL and Redis in use, embedded or external. Closing it stops whatever it started and nothing else.
 */
public final class ProvisionedInfra implements AutoCloseable {

    private final String postgresHost;
    private final int postgresPort;
    private final String postgresUsername;
    private final String postgresPassword;
    private final URI redisUrl;
    private final boolean postgresEmbedded;
    private final boolean redisEmbedded;
    private final AutoCloseable stopper;
    private final AtomicBoolean closed = new AtomicBoolean();

    ProvisionedInfra(String postgresHost, int postgresPort, String postgresUsername, String postgresPassword,
            URI redisUrl, boolean postgresEmbedded, boolean redisEmbedded, AutoCloseable stopper) {
        this.postgresHost = postgresHost;
        this.postgresPort = postgresPort;
        this.postgresUsername = postgresUsername;
        this.postgresPassword = postgresPassword;
        this.redisUrl = redisUrl;
        this.postgresEmbedded = postgresEmbedded;
        this.redisEmbedded = redisEmbedded;
        this.stopper = stopper;
    }

    public String postgresHost() {
        return postgresHost;
    }

    public int postgresPort() {
        return postgresPort;
    }

    public String postgresUsername() {
        return postgresUsername;
    }

    public String postgresPassword() {
        return postgresPassword;
    }

    public URI redisUrl() {
        return redisUrl;
    }

    public boolean postgresEmbedded() {
        return postgresEmbedded;
    }

    public boolean redisEmbedded() {
        return redisEmbedded;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://" + postgresHost + ":" + postgresPort + "/" + database;
    }

    /** The settings a service needs to use these servers, as Spring property names. */
    public Map<String, String> serviceProperties() {
        Map<String, String> props = new LinkedHashMap<>();
        props.put(InfraSettings.POSTGRES_HOST, postgresHost);
        props.put(InfraSettings.POSTGRES_PORT, String.valueOf(postgresPort));
        props.put(InfraSettings.POSTGRES_USERNAME, postgresUsername);
        props.put(InfraSettings.POSTGRES_PASSWORD, postgresPassword);
        props.put(InfraSettings.REDIS_URL, redisUrl.toString());
        return props;
    }

    /**
     * Stops the embedded servers (once: later calls, also from another thread such as a shutdown hook racing a
     * failed start, do nothing).
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            stopper.close();
        } catch (Exception e) {
            throw new IllegalStateException("stopping embedded servers failed", e);
        }
    }

    @Override
    public String toString() {
        return "PostgreSQL " + postgresHost + ":" + postgresPort + (postgresEmbedded ? " (embedded)" : "")
                + ", Redis " + redisUrl.getHost() + ":" + redisUrl.getPort() + (redisEmbedded ? " (embedded)" : "");
    }
}
