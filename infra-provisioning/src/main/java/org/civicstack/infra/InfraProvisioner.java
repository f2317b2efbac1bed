package org.civicstack.infra;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Properties;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

/**
 * Finds or starts the platform's PostgreSQL and Redis: the one provisioning component behind the all-in-one run
 * and the test kit. External servers are checked for reachability up front so that a wrong setting fails in a
 * second with a message naming it; embedded ones (PostgreSQL 17 from zonky's binaries, Redis from the
 * embedded-redis package) start on free loopback ports.
 */
public final class InfraProvisioner {

    private static final Logger log = LoggerFactory.getLogger(InfraProvisioner.class);
    private static final int CONNECT_TIMEOUT_MS = 5_000;

    private InfraProvisioner() {
    }

    public static ProvisionedInfra provision(InfraSettings settings) {
        Deque<AutoCloseable> started = new ArrayDeque<>();
        try {
            String pgHost;
            int pgPort;
            String pgUser;
            String pgPassword;
            if (settings.postgres().isPresent()) {
                InfraSettings.ExternalPostgres pg = settings.postgres().get();
                checkPostgres(pg);
                pgHost = pg.host();
                pgPort = pg.port();
                pgUser = pg.username();
                pgPassword = pg.password();
            } else {
                EmbeddedPostgres pg = startEmbeddedPostgres();
                started.push(pg);
                pgHost = "localhost";
                pgPort = pg.getPort();
                pgUser = "postgres";
                pgPassword = "";
            }
            URI redisUrl;
            if (settings.redisUrl().isPresent()) {
                redisUrl = settings.redisUrl().get();
                checkRedis(redisUrl);
            } else {
                int port = freePort();
                HeldRedis redis = new HeldRedis(startEmbeddedRedis(port));
                started.push(redis);
                redisUrl = URI.create("redis://localhost:" + port);
            }
            ProvisionedInfra infra = new ProvisionedInfra(pgHost, pgPort, pgUser, pgPassword, redisUrl,
                    settings.postgres().isEmpty(), settings.redisUrl().isEmpty(), () -> stopAll(started));
            log.info("Infrastructure ready: {}", infra);
            return infra;
        } catch (RuntimeException e) {
            stopAll(started);
            throw e;
        }
    }

    private static EmbeddedPostgres startEmbeddedPostgres() {
        try {
            return EmbeddedPostgres.builder()
                    .setPort(freePort())
                    .setRegisterShutdownHook(false)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    // a throw-away development/test server: durability is not wanted, speed is
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("timezone", "UTC")
                    .start();
        } catch (IOException | RuntimeException e) {
            throw new InfraUnavailableException("Could not start the embedded PostgreSQL: " + e.getMessage(),
                    InfraSettings.describe(InfraSettings.POSTGRES_HOST) + " to use an external server instead", e);
        }
    }

    static RedisServer startEmbeddedRedis(int port) {
        try {
            RedisServer redis = RedisServer.newRedisServer()
                    .port(port)
                    .bind("127.0.0.1")
                    .setting("save \"\"")
                    .setting("appendonly no")
                    .build();
            redis.start();
            return redis;
        } catch (IOException | RuntimeException e) {
            throw new InfraUnavailableException("Could not start the embedded Redis: " + e.getMessage(),
                    InfraSettings.describe(InfraSettings.REDIS_URL) + " to use an external server instead", e);
        }
    }

    static void checkPostgres(InfraSettings.ExternalPostgres pg) {
        Properties props = new Properties();
        props.setProperty("user", pg.username());
        props.setProperty("password", pg.password());
        props.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_MS / 1000));
        props.setProperty("loginTimeout", String.valueOf(CONNECT_TIMEOUT_MS / 1000));
        String url = "jdbc:postgresql://" + pg.host() + ":" + pg.port() + "/postgres";
        try (Connection ignored = DriverManager.getConnection(url, props)) {
            log.debug("PostgreSQL at {}:{} reachable", pg.host(), pg.port());
        } catch (SQLException e) {
            throw new InfraUnavailableException("PostgreSQL at " + pg.host() + ":" + pg.port()
                    + " is not usable: " + e.getMessage(),
                    InfraSettings.describe(InfraSettings.POSTGRES_HOST) + ", " + InfraSettings.describe(InfraSettings.POSTGRES_PORT)
                            + ", " + InfraSettings.describe(InfraSettings.POSTGRES_USERNAME) + " and "
                            + InfraSettings.describe(InfraSettings.POSTGRES_PASSWORD), e);
        }
    }

    static void checkRedis(URI url) {
        try {
            String reply = RespCommands.execute(url, "PING");
            if (!reply.startsWith("+PONG")) {
                throw new IOException("unexpected reply to PING: " + reply);
            }
        } catch (IOException e) {
            throw new InfraUnavailableException("Redis at " + url.getHost() + ":" + RespCommands.port(url)
                    + " is not usable: " + e.getMessage(), InfraSettings.describe(InfraSettings.REDIS_URL), e);
        }
    }

    /** A TCP port that was free a moment ago on loopback. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free port", e);
        }
    }

    private static void stopAll(Deque<AutoCloseable> started) {
        while (!started.isEmpty()) {
            AutoCloseable next = started.pop();
            try {
                next.close();
            } catch (Exception e) {
                log.warn("Stopping an embedded server failed: {}", e.toString());
            }
        }
    }
}
