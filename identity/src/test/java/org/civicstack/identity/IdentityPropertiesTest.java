package org.civicstack.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import org.civicstack.identity.IdentityProperties.BootstrapClient;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.core.env.MapPropertySource;
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
        assertThat(properties.bootstrapClients()).containsOnlyKeys("0", "1");
        BootstrapClient agency = properties.bootstrapClients().get("0");
        assertThat(agency.clientId()).isEqualTo("health-commission");
        assertThat(agency.scopes()).containsExactlyInAnyOrder("registry:read", "registry:write");
        assertThat(agency.clientType()).isEqualTo("agency");
        assertThat(agency.agencyId()).isEqualTo("agy_health");
        assertThat(properties.bootstrapClients().get("1").clientType()).isEqualTo("platform");
        assertThat(properties.toString()).doesNotContain("kkkk").doesNotContain("ssss").doesNotContain("gggg");
    }

    @Test
    void aShortKeyEncryptionSecretAndAnOverlongTokenLifetimeAreInvalid() {
        IdentityProperties properties = new IdentityProperties(java.net.URI.create("http://localhost:8080"),
                "civicstack", Duration.ofHours(2), "too-short", Map.of());

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

    @Test
    void aClientAtIndexFiveAloneBinds() {
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_5_CLIENTID", "district-office");
        env.put("CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_5_SCOPES", "registry:read");

        IdentityProperties properties = bind(env);

        assertThat(properties.bootstrapClients()).containsOnlyKeys("5");
        assertThat(properties.bootstrapClients().get("5").clientId()).isEqualTo("district-office");
    }

    /**
     * What the all-in-one run does: the launcher's own client as a command-line argument, an operator's in the
     * environment and one in application.yml's list form; none hides another.
     */
    @Test
    void clientsFromArgumentsTheEnvironmentAndYamlAddUp() {
        Map<String, Object> arguments = new LinkedHashMap<>();
        arguments.put("civicstack.identity.bootstrap-clients[launcher-gateway].client-id", "civicstack-gateway");
        arguments.put("civicstack.identity.bootstrap-clients[launcher-gateway].client-type", "platform");
        arguments.put("civicstack.identity.bootstrap-clients[2].client-type", "operator");
        Map<String, Object> env = new LinkedHashMap<>();
        env.put("CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_2_CLIENTID", "night-operator");
        env.put("CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_2_CLIENTTYPE", "agency");
        env.put("CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_7_CLIENTID", "health-commission");
        Map<String, Object> yaml = new LinkedHashMap<>();
        yaml.put("civicstack.identity.bootstrap-clients[0].client-id", "from-yaml");
        yaml.put("civicstack.identity.bootstrap-clients[0].scopes[0]", "registry:read");

        MutablePropertySources sources = new MutablePropertySources();
        sources.addLast(new MapPropertySource("commandLineArgs", arguments));
        sources.addLast(new SystemEnvironmentPropertySource(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env));
        sources.addLast(new MapPropertySource("application.yml", yaml));
        IdentityProperties properties = bind(sources);

        assertThat(properties.bootstrapClients()).containsOnlyKeys("launcher-gateway", "0", "2", "7");
        assertThat(properties.bootstrapClients().get("launcher-gateway").clientId()).isEqualTo("civicstack-gateway");
        assertThat(properties.bootstrapClients().get("7").clientId()).isEqualTo("health-commission");
        assertThat(properties.bootstrapClients().get("0").scopes()).containsExactly("registry:read");
        // the same entry in two sources is one entry: the higher-priority source wins field by field
        assertThat(properties.bootstrapClients().get("2").clientId()).isEqualTo("night-operator");
        assertThat(properties.bootstrapClients().get("2").clientType()).isEqualTo("operator");
    }

    private static IdentityProperties bind(Map<String, Object> env) {
        MutablePropertySources sources = new MutablePropertySources();
        sources.addFirst(new SystemEnvironmentPropertySource(
                StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, env));
        return bind(sources);
    }

    private static IdentityProperties bind(MutablePropertySources sources) {
        return new Binder(ConfigurationPropertySources.from(sources)).bindOrCreate(IdentityProperties.PREFIX,
                IdentityProperties.class);
    }
}
