package org.civicstack.launcher;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * How the services of one all-in-one run find and trust each other: the public issuer (the gateway), identity's
 * JWKS for every resource server, the gateway's upstream URIs, and the own OAuth clients of the gateway, payments and
 * certificates — registered in identity at start with secrets generated for this run, so no credential is written
 * anywhere.
 */
final class PlatformWiring {

    static final String GATEWAY_CLIENT_ID = "civicstack-gateway";
    /** The launcher's own entry in {@code civicstack.identity.bootstrap-clients}. */
    static final String GATEWAY_CLIENT_ENTRY = "launcher-gateway";
    static final String PAYMENTS_CLIENT_ID = "civicstack-payments";
    /** The launcher's entry for payments' own client (it resolves agencies' citizen subjects through identity). */
    static final String PAYMENTS_CLIENT_ENTRY = "launcher-payments";
    static final String CERTIFICATES_CLIENT_ID = "civicstack-certificates";
    /** The launcher's entry for certificates' own client (it resolves citizens through identity). */
    static final String CERTIFICATES_CLIENT_ENTRY = "launcher-certificates";
    /** Names the SMS provider for identity; when set, the all-in-one run does not switch to the console adapter. */
    static final String SMS_PROVIDER_VARIABLE = "CIVICSTACK_IDENTITY_SMS_PROVIDER";

    private final LauncherSettings settings;
    private final String gatewaySecret;
    private final String paymentsSecret;
    private final String certificatesSecret;

    private PlatformWiring(LauncherSettings settings, String gatewaySecret, String paymentsSecret,
            String certificatesSecret) {
        this.settings = settings;
        this.gatewaySecret = gatewaySecret;
        this.paymentsSecret = paymentsSecret;
        this.certificatesSecret = certificatesSecret;
    }

    static PlatformWiring of(LauncherSettings settings) {
        return new PlatformWiring(settings, randomSecret(), randomSecret(), randomSecret());
    }

    private static String randomSecret() {
        byte[] secret = new byte[24];
        new SecureRandom().nextBytes(secret);
        return HexFormat.of().formatHex(secret);
    }

    private String url(ServiceSpec spec) {
        return "http://localhost:" + settings.port(spec);
    }

    private ServiceSpec backend(String name) {
        return ServiceSpec.BACKENDS.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
    }

    List<String> argumentsFor(ServiceSpec spec) {
        String issuer = url(ServiceSpec.GATEWAY);
        String identity = url(backend("identity"));
        List<String> args = new ArrayList<>();
        args.add("--civicstack.security.issuer=" + issuer);
        args.add("--civicstack.security.jwks-uri=" + identity + "/oauth2/jwks");
        // the all-in-one run lets agencies register public upstreams; a city deployment lists its government
        // networks in civicstack.upstream-network.allowed-networks instead
        args.add("--civicstack.upstream-network.allow-public-internet=true");
        switch (spec.name()) {
            case "identity" -> {
                args.add("--civicstack.identity.issuer=" + issuer);
                // a named entry, not an index: it adds to the clients configured elsewhere (environment,
                // extra arguments) instead of clashing with their numbered entries
                String entry = "--civicstack.identity.bootstrap-clients[" + GATEWAY_CLIENT_ENTRY + "]";
                args.add(entry + ".client-id=" + GATEWAY_CLIENT_ID);
                args.add(entry + ".secret=" + gatewaySecret);
                // routing: the registry's routing feed; token exchange: upstream assertions for citizen services
                args.add(entry + ".scopes=registry:routing,identity:token-exchange");
                args.add(entry + ".client-type=platform");
                String payments = "--civicstack.identity.bootstrap-clients[" + PAYMENTS_CLIENT_ENTRY + "]";
                args.add(payments + ".client-id=" + PAYMENTS_CLIENT_ID);
                args.add(payments + ".secret=" + paymentsSecret);
                args.add(payments + ".scopes=identity:resolve");
                args.add(payments + ".client-type=platform");
                String certificates = "--civicstack.identity.bootstrap-clients[" + CERTIFICATES_CLIENT_ENTRY + "]";
                args.add(certificates + ".client-id=" + CERTIFICATES_CLIENT_ID);
                args.add(certificates + ".secret=" + certificatesSecret);
                args.add(certificates + ".scopes=identity:resolve");
                args.add(certificates + ".client-type=platform");
                // login codes go to the console instead of an SMS provider: the all-in-one run is the one place
                // identity accepts the local adapter, and this flag (set nowhere else) is how it knows. Unless the
                // environment names a provider (an all-in-one run with a real SMS account, or a test's stand-in)
                args.add("--civicstack.identity.sms.all-in-one-run=true");
                if (!namesSmsProvider()) {
                    args.add("--civicstack.identity.sms.provider=local");
                }
            }
            case "gateway" -> {
                for (ServiceSpec backend : ServiceSpec.BACKENDS) {
                    args.add("--civicstack.gateway.upstreams." + backend.name() + ".uri=" + url(backend));
                }
                args.add("--civicstack.gateway.routing.token-uri=" + identity + "/oauth2/token");
                args.add("--civicstack.gateway.routing.client-id=" + GATEWAY_CLIENT_ID);
                args.add("--civicstack.gateway.routing.client-secret=" + gatewaySecret);
            }
            case "payments" -> {
                args.add("--civicstack.payments.public-base-url=" + issuer);
                args.add("--civicstack.payments.identity.token-uri=" + identity + "/oauth2/token");
                args.add("--civicstack.payments.identity.base-url=" + identity);
                args.add("--civicstack.payments.identity.client-id=" + PAYMENTS_CLIENT_ID);
                args.add("--civicstack.payments.identity.client-secret=" + paymentsSecret);
                // the all-in-one run takes money through the sandbox provider, started beside payments: on 8089 in
                // the default run; where ports were chosen (tests, a second platform) on any free port, which
                // payments logs ("Sandbox payment provider listening at …")
                args.add("--civicstack.payments.sandbox.embedded=true");
                boolean defaultPorts = settings.port(spec) == spec.defaultPort();
                args.add("--civicstack.payments.sandbox.port=" + (defaultPorts ? 8089 : 0));
            }
            case "certificates" -> {
                args.add("--civicstack.certificates.public-base-url=" + issuer);
                args.add("--civicstack.certificates.identity.token-uri=" + identity + "/oauth2/token");
                args.add("--civicstack.certificates.identity.base-url=" + identity);
                args.add("--civicstack.certificates.identity.client-id=" + CERTIFICATES_CLIENT_ID);
                args.add("--civicstack.certificates.identity.client-secret=" + certificatesSecret);
                // the all-in-one run has certificates seed its credential types (civicstack.certificates.seed-types)
                args.add("--civicstack.certificates.seed-types=true");
                // consent screens name the requesting agency from the registry's public catalog
                args.add("--civicstack.certificates.registry-base-url=" + url(backend("services-registry")));
            }
            default -> {
            }
        }
        return args;
    }

    /** Whether the services' environment or the extra arguments choose the SMS provider themselves. */
    private boolean namesSmsProvider() {
        java.util.Map<String, String> environment = settings.environment() != null ? settings.environment() : System.getenv();
        return environment.containsKey(SMS_PROVIDER_VARIABLE)
                || settings.extraArguments().stream().anyMatch(arg -> arg.startsWith("--civicstack.identity.sms.provider="));
    }
}
