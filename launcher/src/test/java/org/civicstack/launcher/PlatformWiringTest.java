package org.civicstack.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

/** What the launcher tells each service about the others. */
class PlatformWiringTest {

    @Test
    void onlyIdentityIsToldToUseTheLocalSmsAdapterOfTheAllInOneRun() {
        PlatformWiring wiring = PlatformWiring.of(LauncherSettings.fromEnvironment(java.util.Map.of()));
        ServiceSpec identity = ServiceSpec.BACKENDS.stream().filter(s -> s.name().equals("identity")).findFirst()
                .orElseThrow();

        List<String> identityArgs = wiring.argumentsFor(identity);

        assertThat(identityArgs).contains("--civicstack.identity.sms.provider=local",
                "--civicstack.identity.sms.all-in-one-run=true");
        assertThat(wiring.argumentsFor(ServiceSpec.GATEWAY)).noneMatch(arg -> arg.contains("sms"));
    }

    @Test
    void aProviderNamedInTheEnvironmentIsNotOverriddenByTheLocalAdapter() {
        PlatformWiring wiring = PlatformWiring.of(LauncherSettings.fromEnvironment(
                java.util.Map.of(PlatformWiring.SMS_PROVIDER_VARIABLE, "aliyun")));
        ServiceSpec identity = ServiceSpec.BACKENDS.stream().filter(s -> s.name().equals("identity")).findFirst()
                .orElseThrow();

        List<String> identityArgs = wiring.argumentsFor(identity);

        assertThat(identityArgs).noneMatch(arg -> arg.startsWith("--civicstack.identity.sms.provider="));
        assertThat(identityArgs).contains("--civicstack.identity.sms.all-in-one-run=true");
    }
}
