package org.civicstack.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.civicstack.identity.IdentityProperties.BootstrapClient;
import org.civicstack.identity.clients.ClientType;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;

/** The documented environment variables bind to the typed settings. */
class IdentityPropertiesTest {

    @Test
    void bindsFromEnvironmentVariablesIncludingTheClientList() {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("CIVICSTACK_IDENTITY_ISSUER", "https://api.city.example");
        env.put("CIVICSTACK_IDENTITY_AUDIENCE", "civicstack");
        env.put("CIVICSTACK_IDENTITY_ACCESS_TOKEN_TTL", "5m");
        env.put("CIVICSTACK_IDENTITY_KEY_ENCRYPTION_SECRET", "k".repeat(44));
        env.put("CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_0_CLIENTID", "health-commission");
        env.put("CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_0_SECRET", "s".repeat(44));
        env.put("CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_0_SCOPES", "registry:read,registry:write");
        env.put("CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_0_CLIENTTYPE", "agency");
        env.put("CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_0_AGENCYID", "agy_health");
        env.put("CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_1_CLIENTID", "gateway");
        env.put("CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_1_SECRET", "g".repeat(44));
        env.put("CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_1_SCOPES", "registry:routing");
        env.put("CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_1_CLIENTTYPE", "platform");

        IdentityProperties properties = bind(env);

        assertThat(properties.issuer()).hasToString("https://api.city.example");
        assertThat(properties.accessTokenTtl()).isEqualTo(Duration.ofMinutes(5));
        assertThat(properties.bootstrapClients()).hasSize(2);
        BootstrapClient agency = properties.bootstrapClients().get(0);
        assertThat(agency.clientId()).isEqualTo("health-commission");
        assertThat(agency.scopes()).containsExactlyInAnyOrder("registry:read", "registry:write");
        assertThat(agency.clientType()).isEqualTo(ClientType.AGENCY);
        assertThat(agency.agencyId()).isEqualTo("agy_health");
        assertThat(properties.bootstrapClients().get(1).clientType()).isEqualTo(ClientType.PLATFORM);
        assertThat(properties.toString()).doesNotContain("kkkk").doesNotContain("ssss").doesNotContain("gggg");
    }

    @Test
    void aShortKeyEncryptionSecretAndAnOverlongTokenLifetimeAreInvalid() {
        IdentityProperties properties = new IdentityProperties(java.net.URI.create("http://localhost:8080"),
                "civicstack", Duration.ofHours(2), "too-short", List.of());

        Validator validator = Validation.buildDefaultValidatorFactory().getValidator();
        Set<ConstraintViolation<IdentityProperties>> violations = validator.validate(properties);

        assertThat(violations).extracting(v -> v.getPropertyPath().toString())
                .containsExactlyInAnyOrder("keyEncryptionSecret", "accessTokenTtl");
    }

    @Test
    void developmentSecretIsRecognised() {
        IdentityProperties properties = new IdentityProperties(java.net.URI.create("http://localhost:8080"),
                "civicstack", Duration.ofMinutes(5), IdentityProperties.DEVELOPMENT_KEY_ENCRYPTION_SECRET, null);

        assertThat(properties.usesDevelopmentKeyEncryptionSecret()).isTrue();
        assertThat(properties.bootstrapClients()).isEmpty();
    }

    private static IdentityProperties bind(Map<String, Object> env) {
        MutablePropertySources sources = new MutablePropertySources();
        sources.addFirst(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env));
        return new Binder(ConfigurationPropertySources.from(sources)).bindOrCreate(IdentityProperties.PREFIX,
                IdentityProperties.class);
    }
}
