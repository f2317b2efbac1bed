package org.civicstack.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.civicstack.testkit.AliyunSmsStandIn;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One all-in-one platform for every end-to-end test class of the test JVM ({@code @ExtendWith(SharedPlatform.class)}),
 * started lazily by the first of them on free ports and stopped when the whole test run ends (it lives in JUnit's
 * root store, which closes it). It runs with the settings of {@code examples/walkthrough.env} — read from that file,
 * so the walkthrough test and a user's run cannot drift apart — plus the clients the other end-to-end tests use.
 * A second gateway instance (against the same services, PostgreSQL and Redis) is started on first request.
 *
 * <p>Classes that use it carry {@code @Order(SharedPlatform.ORDER)} so that they run after the classes that start
 * and stop platforms of their own (see {@code junit-platform.properties}), and never with two platforms up at once.
 */
public final class SharedPlatform implements BeforeAllCallback {

    /** Run after every class that starts its own platform (those keep the default order). */
    public static final int ORDER = Integer.MAX_VALUE - 100;

    /** Client ids and secrets of the end-to-end test's own operator (argument index 3) and agency (environment index 5). */
    static final String E2E_OPERATOR = "e2e-operator";
    static final String E2E_OPERATOR_SECRET = "e2e-operator-secret-0123456789abcdefghij";
    static final String E2E_AGENCY = "e2e-health-commission";
    static final String E2E_AGENCY_SECRET = "e2e-agency-secret-0123456789abcdefghijkl";

    /** The citizen app of {@code examples/walkthrough.env} and its loopback redirect URI (RFC 8252 §7.3). */
    static final String E2E_APP = "walkthrough-city-app";
    static final String E2E_APP_REDIRECT = "http://127.0.0.1:18491/callback";

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SharedPlatform.class);

    private static volatile Running running;

    @Override
    public void beforeAll(ExtensionContext context) {
        running = context.getRoot().getStore(NAMESPACE).computeIfAbsent(Running.class, type -> Running.start(), Running.class);
    }

    /** The running platform; only inside a class extended with {@link SharedPlatform}. */
    static RunningPlatform platform() {
        return current().platform;
    }

    static int gatewayPort() {
        return platform().gatewayPort();
    }

    /** A second gateway instance, started on first use and stopped with the platform. */
    static int secondGatewayPort() {
        return current().secondGateway();
    }

    /** The settings of {@code examples/walkthrough.env}, in file order. */
    static Map<String, String> walkthroughEnvironment() {
        return readEnvFile(repositoryRoot().resolve("examples").resolve("walkthrough.env"));
    }

    static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            if (Files.isRegularFile(d.resolve("examples").resolve("walkthrough.env")) && Files.isRegularFile(d.resolve("mvnw"))) {
                return d;
            }
        }
        throw new IllegalStateException("no examples/walkthrough.env above " + dir);
    }

    /** {@code KEY=value} lines; blank lines and {@code #} comments skipped; no quoting or expansion (as the file says). */
    static Map<String, String> readEnvFile(Path file) {
        Map<String, String> settings = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (line.isBlank() || line.startsWith("#")) {
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalStateException(file + ": not KEY=value: " + line);
                }
                settings.put(line.substring(0, eq), line.substring(eq + 1));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return settings;
    }

    private static Running current() {
        Running r = running;
        if (r == null) {
            throw new IllegalStateException("@ExtendWith(SharedPlatform.class) is missing on the test class");
        }
        return r;
    }

    /** The platform and its optional second gateway; JUnit closes it with the root store. */
    static final class Running implements AutoCloseable {

        final RunningPlatform platform;
        private Integer secondGateway;

        private Running(RunningPlatform platform) {
            this.platform = platform;
        }

        static Running start() {
            // the platform sees the environment a user's shell would give it after `. examples/walkthrough.env`,
            // plus the end-to-end test's agency (an environment client at index 5)
            Map<String, String> environment = new LinkedHashMap<>(System.getenv());
            environment.putAll(walkthroughEnvironment());
            environment.put("CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_5_CLIENTID", E2E_AGENCY);
            environment.put("CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_5_SECRET", E2E_AGENCY_SECRET);
            environment.put("CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_5_SCOPES", "registry:write,registry:read");
            environment.put("CIVICSTACK_IDENTITY_BOOTSTRAPCLIENTS_5_CLIENTTYPE", "agency");
            // no _AGENCYID: the registry chooses the agy_… id when the operator registers the agency, and binds it by
            // oauth_client_id until identity's registration carries it (ADR 0007); a different claim would be refused
            // login codes go to a stand-in of the SMS provider (a third party) instead of the console, so the
            // tests read them as a citizen reads their phone
            environment.put("CIVICSTACK_IDENTITY_SMS_PROVIDER", "aliyun");
            environment.put("CIVICSTACK_IDENTITY_SMS_ALIYUN_ENDPOINT", AliyunSmsStandIn.endpoint());
            environment.put("CIVICSTACK_IDENTITY_SMS_ALIYUN_ACCESSKEYID", "e2e-access-key");
            environment.put("CIVICSTACK_IDENTITY_SMS_ALIYUN_ACCESSKEYSECRET", "e2e-access-key-secret");
            environment.put("CIVICSTACK_IDENTITY_SMS_ALIYUN_SIGNNAME", "CivicStack");
            environment.put("CIVICSTACK_IDENTITY_SMS_ALIYUN_TEMPLATECODE", "SMS_000000001");
            // and level 2 asks a stand-in of the real-name authority (a third party too)
            environment.put("CIVICSTACK_IDENTITY_ASSURANCE_REALNAME_BASEURL", CitizenLogin.realNameAuthorityUrl());
            LauncherSettings settings = LauncherSettings.fromEnvironment(environment).withExtraArguments(List.of(
                    "--logging.level.root=WARN",
                    // and the end-to-end test's operator as a Spring argument, the other way to configure a client
                    "--civicstack.identity.bootstrap-clients[3].client-id=" + E2E_OPERATOR,
                    "--civicstack.identity.bootstrap-clients[3].secret=" + E2E_OPERATOR_SECRET,
                    "--civicstack.identity.bootstrap-clients[3].scopes=registry:review,registry:read",
                    "--civicstack.identity.bootstrap-clients[3].client-type=operator"));
            for (ServiceSpec spec : ServiceSpec.BACKENDS) {
                settings = settings.withPort(spec, 0);
            }
            return new Running(CivicStackLauncher.start(settings.withPort(ServiceSpec.GATEWAY, 0)));
        }

        synchronized int secondGateway() {
            if (secondGateway == null) {
                secondGateway = CivicStackLauncher.startAdditionalGateway(platform, 0);
            }
            return secondGateway;
        }

        @Override
        public void close() {
            platform.close();
        }
    }
}
