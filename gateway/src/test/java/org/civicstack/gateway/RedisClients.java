package org.civicstack.gateway;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Redis connections a test opens of its own (each one as a separate gateway instance has), plus anything else to
 * close after the test; {@link #close} ends them all. For ITs that build Redis-backed components without a Spring
 * context.
 */
public final class RedisClients implements AutoCloseable {

    private final List<LettuceConnectionFactory> connections = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    /** A started connection factory to {@code redis}; it is destroyed on {@link #close}. */
    public LettuceConnectionFactory connect(URI redis, Duration commandTimeout) {
        LettuceConnectionFactory factory = new LettuceConnectionFactory(
                new RedisStandaloneConfiguration(redis.getHost(), redis.getPort()),
                LettuceClientConfiguration.builder().commandTimeout(commandTimeout).build());
        factory.afterPropertiesSet();
        factory.start();
        connections.add(factory);
        return factory;
    }

    /** A loopback server that accepts connections and never answers: a Redis that hangs. */
    public ServerSocket silentServer() throws IOException {
        SilentServer silent = SilentServer.start();
        closeables.add(silent);
        return silent.socket();
    }

    /** Closes {@code closeable} on {@link #close}, after the connections. */
    public void onClose(AutoCloseable closeable) {
        closeables.add(closeable);
    }

    @Override
    public void close() throws Exception {
        for (LettuceConnectionFactory connection : connections) {
            connection.destroy();
        }
        connections.clear();
        for (AutoCloseable closeable : closeables) {
            closeable.close();
        }
        closeables.clear();
    }
}
