package org.civicstack.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

class LauncherSettingsTest {

    @Test
    void extraArgumentsAreSpaceSeparatedSpringArguments() {
        assertThat(LauncherSettings.extraArguments(null)).isEmpty();
        assertThat(LauncherSettings.extraArguments("  --a=1   --b.c[0]=x,y ")).isEqualTo(List.of("--a=1", "--b.c[0]=x,y"));
    }

    @Test
    void anythingElseIsRefusedWithTheSettingNamed() {
        assertThatThrownBy(() -> LauncherSettings.extraArguments("--a=1 b=2"))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("CIVICSTACK_LAUNCHER_EXTRA_ARGS");
    }

    @Test
    void settingsAndTheServicesEnvironmentComeFromTheGivenVariables() {
        Map<String, String> env = Map.of("CIVICSTACK_LAUNCHER_PORTS_PAYMENTS", "9083",
                "CIVICSTACK_LAUNCHER_LOG_FORMAT", "json",
                "CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_5_CLIENTID", "district-office");

        LauncherSettings settings = LauncherSettings.fromEnvironment(env);

        assertThat(settings.port(ServiceSpec.BACKENDS.get(2))).isEqualTo(9083);
        assertThat(settings.port(ServiceSpec.GATEWAY)).isEqualTo(8080);
        assertThat(settings.logFormat()).isEqualTo("json");
        assertThat(settings.environment()).isEqualTo(env);
        assertThat(settings.withPort(ServiceSpec.GATEWAY, 0).environment()).isEqualTo(env);
        // the JVM's own environment is what services read by default: nothing to replace
        assertThat(LauncherSettings.fromEnvironment().environment()).isNull();
    }

    @Test
    void aBadPortInTheGivenVariablesNamesTheSetting() {
        assertThatThrownBy(() -> LauncherSettings.fromEnvironment(Map.of("CIVICSTACK_LAUNCHER_PORTS_IDENTITY", "x")))
                .isInstanceOf(LaunchException.class)
                .hasMessageContaining("CIVICSTACK_LAUNCHER_PORTS_IDENTITY");
    }
}
