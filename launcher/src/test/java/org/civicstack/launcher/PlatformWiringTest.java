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

    @Test
    void certificatesGetsItsOwnClientRegisteredInIdentityWithTheResolveScope() {
        PlatformWiring wiring = PlatformWiring.of(LauncherSettings.fromEnvironment(java.util.Map.of()));

        List<String> identityArgs = wiring.argumentsFor(backend("identity"));
        List<String> certificatesArgs = wiring.argumentsFor(backend("certificates"));

        String entry = "--civicstack.identity.bootstrap-clients[launcher-certificates]";
        assertThat(identityArgs).contains(entry + ".client-id=civicstack-certificates",
                entry + ".scopes=identity:resolve", entry + ".client-type=platform");
        String secret = valueOf(identityArgs, entry + ".secret=");
        assertThat(secret).hasSizeGreaterThanOrEqualTo(32)
                .isNotEqualTo(valueOf(identityArgs, "--civicstack.identity.bootstrap-clients[launcher-payments].secret="))
                .isNotEqualTo(valueOf(identityArgs, "--civicstack.identity.bootstrap-clients[launcher-gateway].secret="));
        assertThat(certificatesArgs).contains(
                "--civicstack.certificates.public-base-url=http://localhost:8080",
                "--civicstack.certificates.identity.token-uri=http://localhost:8081/oauth2/token",
                "--civicstack.certificates.identity.base-url=http://localhost:8081",
                "--civicstack.certificates.identity.client-id=civicstack-certificates",
                "--civicstack.certificates.identity.client-secret=" + secret,
                "--civicstack.certificates.seed-types=true",
                "--civicstack.certificates.registry-base-url=http://localhost:8082");
        assertThat(wiring.argumentsFor(backend("payments"))).noneMatch(arg -> arg.contains(secret));
    }

    private static ServiceSpec backend(String name) {
        return ServiceSpec.BACKENDS.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    private static String valueOf(List<String> args, String prefix) {
        return args.stream().filter(arg -> arg.startsWith(prefix)).map(arg -> arg.substring(prefix.length()))
                .findFirst().orElseThrow(() -> new AssertionError("no " + prefix));
    }
}
