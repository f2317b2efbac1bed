package org.civicstack.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;

import org.junit.jupiter.api.Test;

class InfraSettingsTest {

    @Test
    void nothingConfiguredMeansEmbeddedServers() {
        InfraSettings settings = InfraSettings.from(Map.of(), key -> null);

        assertThat(settings.postgres()).isEmpty();
        assertThat(settings.redisUrl()).isEmpty();
    }

    @Test
    void environmentVariablesSelectExternalServers() {
        InfraSettings settings = InfraSettings.from(Map.of(
                "CIVICSTACK_POSTGRES_HOST", "db.internal", "CIVICSTACK_POSTGRES_PORT", "6543",
                "CIVICSTACK_POSTGRES_USERNAME", "svc", "CIVICSTACK_POSTGRES_PASSWORD", "pw",
                "CIVICSTACK_REDIS_URL", "redis://:secret@cache.internal:6380"), key -> null);

        assertThat(settings.postgres()).hasValue(new InfraSettings.ExternalPostgres("db.internal", 6543, "svc", "pw"));
        assertThat(settings.redisUrl()).hasValueSatisfying(uri -> assertThat(uri.getHost()).isEqualTo("cache.internal"));
    }

    @Test
    void systemPropertyWinsOverEnvironment() {
        InfraSettings settings = InfraSettings.from(Map.of("CIVICSTACK_POSTGRES_HOST", "from-env"),
                key -> key.equals("civicstack.postgres.host") ? "from-property" : null);

        assertThat(settings.postgres()).hasValueSatisfying(pg -> assertThat(pg.host()).isEqualTo("from-property"));
        assertThat(settings.postgres().get().port()).isEqualTo(5432);
    }

    @Test
    void badPortNamesTheSetting() {
        assertThatThrownBy(() -> InfraSettings.from(Map.of("CIVICSTACK_POSTGRES_HOST", "db",
                "CIVICSTACK_POSTGRES_PORT", "70000"), key -> null))
                .isInstanceOf(InfraUnavailableException.class)
                .hasMessageContaining("CIVICSTACK_POSTGRES_PORT");
    }

    @Test
    void nonRedisUrlNamesTheSetting() {
        assertThatThrownBy(() -> InfraSettings.from(Map.of("CIVICSTACK_REDIS_URL", "http://cache:6379"), key -> null))
                .isInstanceOf(InfraUnavailableException.class)
                .hasMessageContaining("CIVICSTACK_REDIS_URL");
    }
}
