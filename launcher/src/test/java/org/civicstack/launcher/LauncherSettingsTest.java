package org.civicstack.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

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
}
