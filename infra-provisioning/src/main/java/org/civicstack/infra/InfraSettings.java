package org.civicstack.infra;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * Which PostgreSQL and Redis to use, read from system properties ({@code civicstack.postgres.host}) or the
 * environment ({@code CIVICSTACK_POSTGRES_HOST}); a system property wins. A server whose settings are absent is
 * started embedded.
 *
 * @param postgres the external PostgreSQL, or empty to start an embedded one
 * @param redisUrl the external Redis ({@code redis://[user:password@]host:port}), or empty to start an embedded one
 */
public record InfraSettings(Optional<ExternalPostgres> postgres, Optional<URI> redisUrl) {

    public static final String POSTGRES_HOST = "civicstack.postgres.host";
    public static final String POSTGRES_PORT = "civicstack.postgres.port";
    public static final String POSTGRES_USERNAME = "civicstack.postgres.username";
    public static final String POSTGRES_PASSWORD = "civicstack.postgres.password";
    public static final String REDIS_URL = "civicstack.redis.url";

    /** An already running PostgreSQL server. The role needs CREATEDB unless the databases exist. */
    public record ExternalPostgres(String host, int port, String username, String password) {
    }

    public static InfraSettings fromEnvironment() {
        return from(System.getenv(), System::getProperty);
    }

    /** From the given environment variables and system properties (a system property wins). */
    public static InfraSettings from(Map<String, String> env, Function<String, String> systemProperties) {
        Function<String, String> lookup = key -> {
            String value = systemProperties.apply(key);
            if (value == null || value.isBlank()) {
                value = env.get(envName(key));
            }
            return value == null || value.isBlank() ? null : value.trim();
        };
        Optional<ExternalPostgres> postgres = Optional.ofNullable(lookup.apply(POSTGRES_HOST)).map(host ->
                new ExternalPostgres(host, port(lookup.apply(POSTGRES_PORT)),
                        Optional.ofNullable(lookup.apply(POSTGRES_USERNAME)).orElse("civicstack"),
                        Optional.ofNullable(lookup.apply(POSTGRES_PASSWORD)).orElse("")));
        Optional<URI> redis = Optional.ofNullable(lookup.apply(REDIS_URL)).map(InfraSettings::redisUri);
        return new InfraSettings(postgres, redis);
    }

    /** {@code civicstack.postgres.host} → {@code CIVICSTACK_POSTGRES_HOST}, as Spring's relaxed binding reads it. */
    public static String envName(String property) {
        return property.toUpperCase().replace('.', '_').replace('-', '_');
    }

    private static int port(String value) {
        if (value == null) {
            return 5432;
        }
        try {
            int port = Integer.parseInt(value);
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            return port;
        } catch (NumberFormatException e) {
            throw new InfraUnavailableException("PostgreSQL port '" + value + "' is not a TCP port (1-65535)",
                    describe(POSTGRES_PORT), e);
        }
    }

    private static URI redisUri(String value) {
        try {
            URI uri = URI.create(value);
            if (!"redis".equals(uri.getScheme()) && !"rediss".equals(uri.getScheme()) || uri.getHost() == null) {
                throw new IllegalArgumentException("scheme must be redis:// or rediss:// with a host");
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new InfraUnavailableException("Redis URL '" + value + "' is invalid: " + e.getMessage(),
                    describe(REDIS_URL), e);
        }
    }

    /** How to name a setting in an error message: property and environment variable. */
    public static String describe(String property) {
        return property + " (env " + envName(property) + ")";
    }
}
