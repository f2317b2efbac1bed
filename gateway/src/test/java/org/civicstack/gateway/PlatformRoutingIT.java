package org.civicstack.gateway;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import com.github.tomakehurst.wiremock.WireMockServer;
import org.civicstack.gateway.ratelimit.RateLimit;
import org.civicstack.gateway.ratelimit.RateLimiterHealthIndicator;
import org.civicstack.gateway.ratelimit.RedisTokenBucketRateLimiter;
import org.civicstack.infra.InfraProvisioner;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroup;
import org.springframework.boot.health.actuate.endpoint.HealthEndpointGroups;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The gateway's fixed platform routes against stand-in upstreams (WireMock plays a platform service over HTTP, the
 * only contract the gateway has with it): forwarding, per-route timeouts, an unreachable service, unknown paths,
 * the combined OpenAPI document and the platform health view, and how the rate limiter is wired into that view.
 */
@ServiceIntegrationTest
class PlatformRoutingIT {

    static final WireMockServer payments = new WireMockServer(options().dynamicPort());
    static final WireMockServer identity = new WireMockServer(options().dynamicPort());
    /** Nothing listens here: connections are refused. */
    static final int closedPort = InfraProvisioner.freePort();

    static {
        payments.start();
        identity.start();
    }

    @DynamicPropertySource
    static void upstreams(DynamicPropertyRegistry registry) {
        registry.add("civicstack.gateway.upstreams.payments.uri", payments::baseUrl);
        registry.add("civicstack.gateway.upstreams.payments.response-timeout", () -> "1s");
        registry.add("civicstack.gateway.upstreams.identity.uri", identity::baseUrl);
        registry.add("civicstack.gateway.upstreams.services-registry.uri", () -> "http://localhost:" + closedPort);
        registry.add("civicstack.gateway.upstreams.certificates.uri", () -> "http://localhost:" + closedPort);
        registry.add("civicstack.gateway.routing.enabled", () -> "false");
        // wiring is under test here, not the 50 ms budget (RedisTokenBucketRateLimiterIT covers timeouts); a loaded
        // CI machine must not turn this into a fallback decision
        registry.add("civicstack.gateway.rate-limiter.redis-timeout", () -> "2s");
    }

    @AfterAll
    static void stopUpstreams() {
        payments.stop();
        identity.stop();
    }

    @LocalServerPort
    int port;

    @Autowired
    HealthEndpointGroups healthGroups;

    @Autowired
    RedisTokenBucketRateLimiter rateLimiter;

    WebTestClient client;

    @BeforeEach
    void setUp() {
        payments.resetAll();
        identity.resetAll();
        client = org.civicstack.testkit.TestClients.webTestClient("http://localhost:" + port);
    }

    @Nested
    class Forwarding {

        @Test
        void platformPathReachesItsServiceWithPathAndQueryPreserved() {
            payments.stubFor(get(urlEqualTo("/v1/payments/pay_123?expand=refunds&lang=zh-CN"))
                    .willReturn(okJson("{\"id\":\"pay_123\"}")));

            client.get().uri("/v1/payments/pay_123?expand=refunds&lang=zh-CN").exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.id").isEqualTo("pay_123");
        }

        @Test
        void identityOwnsOauthAndWellKnownPaths() {
            identity.stubFor(get(urlEqualTo("/.well-known/openid-configuration"))
                    .willReturn(okJson("{\"issuer\":\"http://localhost\"}")));

            client.get().uri("/.well-known/openid-configuration").exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.issuer").isEqualTo("http://localhost");
        }

        @Test
        void identityOwnsTheHostedLoginPageAndItsFormPosts() {
            identity.stubFor(get(urlEqualTo("/login?lang=en")).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "text/html").withBody("<title>Sign in</title>")));
            identity.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(urlEqualTo("/login/code"))
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/html")
                            .withBody("<p id=\"sent\">sent</p>")));

            client.get().uri("/login?lang=en").exchange().expectStatus().isOk()
                    .expectBody(String.class).isEqualTo("<title>Sign in</title>");
            client.post().uri("/login/code").contentType(org.springframework.http.MediaType.APPLICATION_FORM_URLENCODED)
                    .bodyValue("mobile=13800138000&_csrf=t").exchange().expectStatus().isOk()
                    .expectBody(String.class).isEqualTo("<p id=\"sent\">sent</p>");
        }

        @Test
        void requestIdIsSentUpstreamAndReturnedToTheCaller() {
            payments.stubFor(get(urlPathEqualTo("/v1/payments")).willReturn(okJson("{\"data\":[]}")));

            client.get().uri("/v1/payments").header("X-Request-Id", "app-trace-000123").exchange()
                    .expectStatus().isOk()
                    .expectHeader().valueEquals("X-Request-Id", "app-trace-000123");

            payments.verify(getRequestedFor(urlPathEqualTo("/v1/payments"))
                    .withHeader("X-Request-Id", equalTo("app-trace-000123")));
        }

        @Test
        void requestIdAppearsOnceWhenTheServiceEchoesIt() {
            payments.stubFor(get(urlPathEqualTo("/v1/payments")).willReturn(okJson("{\"data\":[]}")
                    .withHeader("X-Request-Id", "app-trace-000124")));

            client.get().uri("/v1/payments").header("X-Request-Id", "app-trace-000124").exchange()
                    .expectStatus().isOk()
                    .expectHeader().values("X-Request-Id",
                            values -> org.assertj.core.api.Assertions.assertThat(values).containsExactly("app-trace-000124"));
        }
    }

    @Nested
    class Failures {

        @Test
        void slowServiceIsAGatewayTimeoutProblem() {
            payments.stubFor(get(urlEqualTo("/v1/payments/slow"))
                    .willReturn(okJson("{}").withFixedDelay(3_000)));

            client.get().uri("/v1/payments/slow").exchange()
                    .expectStatus().isEqualTo(504)
                    .expectHeader().contentType("application/problem+json")
                    .expectBody().jsonPath("$.code").isEqualTo("gateway_timeout");
        }

        @Test
        void unreachableServiceIs503WithRetryAfter() {
            client.get().uri("/v1/catalog/services").exchange()
                    .expectStatus().isEqualTo(503)
                    .expectHeader().valueEquals("Retry-After", "5")
                    .expectBody().jsonPath("$.code").isEqualTo("service_unavailable");
        }

        @Test
        void serviceErrorsPassThroughUnchanged() {
            payments.stubFor(get(urlEqualTo("/v1/payments/pay_missing")).willReturn(aResponse().withStatus(404)
                    .withHeader("Content-Type", "application/problem+json")
                    .withBody("{\"code\":\"payment_not_found\",\"status\":404}")));

            client.get().uri("/v1/payments/pay_missing").exchange()
                    .expectStatus().isNotFound()
                    .expectBody().jsonPath("$.code").isEqualTo("payment_not_found");
        }

        @Test
        void pathNoServiceOwnsIsProblemNotFound() {
            client.get().uri("/v2/anything").exchange()
                    .expectStatus().isNotFound()
                    .expectHeader().contentType("application/problem+json")
                    .expectBody()
                    .jsonPath("$.code").isEqualTo("not_found")
                    .jsonPath("$.instance").isEqualTo("/v2/anything");
            assertThat(payments.getAllServeEvents()).isEmpty();
        }
    }

    @Nested
    class Docs {

        @Test
        void combinedDocumentMergesServicesAndNamesTheMissingOnes() {
            payments.stubFor(get(urlEqualTo("/v3/api-docs")).willReturn(okJson("""
                    {"openapi":"3.1.0","info":{"title":"payments"},
                     "paths":{"/v1/payments":{"get":{"summary":"list"}}},
                     "components":{"schemas":{"PaymentOrder":{"type":"object"}}}}""")));
            identity.stubFor(get(urlEqualTo("/v3/api-docs")).willReturn(okJson("""
                    {"openapi":"3.1.0","info":{"title":"identity"},
                     "paths":{"/v1/identity/me":{"get":{"summary":"me"}}},
                     "components":{"schemas":{"Citizen":{"type":"object"}}}}""")));

            client.get().uri("/openapi").exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.info.title").isEqualTo("CivicStack API")
                    .jsonPath("$.paths['/v1/payments'].get.summary").isEqualTo("list")
                    .jsonPath("$.paths['/v1/identity/me'].get.summary").isEqualTo("me")
                    .jsonPath("$.components.schemas.PaymentOrder").exists()
                    .jsonPath("$.components.schemas.Citizen").exists()
                    .jsonPath("$['x-unavailable-services'][0]").isEqualTo("services-registry")
                    .jsonPath("$['x-unavailable-services'][1]").isEqualTo("certificates");
        }

        @Test
        void eachServiceDocumentIsServedUnderItsName() {
            payments.stubFor(get(urlEqualTo("/v3/api-docs")).willReturn(okJson("{\"info\":{\"title\":\"payments\"}}")));

            client.get().uri("/openapi/payments").exchange()
                    .expectStatus().isOk()
                    .expectBody().jsonPath("$.info.title").isEqualTo("payments");
        }
    }

    @Nested
    class Health {

        @Test
        void healthShowsEachServiceAndProbesIgnoreThem() {
            payments.stubFor(get(urlEqualTo("/actuator/health/readiness")).willReturn(okJson("{\"status\":\"UP\"}")));
            identity.stubFor(get(urlEqualTo("/actuator/health/readiness"))
                    .willReturn(aResponse().withStatus(503).withBody("{\"status\":\"DOWN\"}")));

            client.get().uri("/actuator/health").exchange()
                    .expectStatus().isEqualTo(503)
                    .expectBody()
                    .jsonPath("$.components.services.components.payments.status").isEqualTo("UP")
                    .jsonPath("$.components.services.components.identity.status").isEqualTo("DOWN")
                    .jsonPath("$.components.services.components.certificates.status").isEqualTo("DOWN");
            client.get().uri("/actuator/health/readiness").exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.components.readinessState.status").isEqualTo("UP")
                    .jsonPath("$.components.redis").doesNotExist();
            client.get().uri("/actuator/health").exchange()
                    .expectBody().jsonPath("$.components.redis.status").isEqualTo("UP");
            client.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        }
    }

    @Nested
    class RateLimiterWiring {

        @Test
        void rateLimiterIsOnTheHealthPageButNotInTheProbes() {
            client.get().uri("/actuator/health").exchange()
                    .expectBody().jsonPath("$.components.rateLimiter.status").isEqualTo("UP");
            client.get().uri("/actuator/health/readiness").exchange()
                    .expectBody().jsonPath("$.components.rateLimiter").doesNotExist();
            assertThat(healthGroups.get("readiness").isMember("rateLimiter")).isFalse();
        }

        @Test
        void degradedRanksBetweenDownAndUpAndAnswers200() {
            HealthEndpointGroup health = healthGroups.getPrimary();
            Status degraded = RateLimiterHealthIndicator.DEGRADED;

            assertThat(health.getStatusAggregator().getAggregateStatus(Status.UP, degraded)).isEqualTo(degraded);
            assertThat(health.getStatusAggregator().getAggregateStatus(Status.DOWN, degraded)).isEqualTo(Status.DOWN);
            assertThat(health.getHttpCodeStatusMapper().getStatusCode(degraded)).isEqualTo(200);
            assertThat(health.getHttpCodeStatusMapper().getStatusCode(Status.DOWN)).isEqualTo(503);
            assertThat(health.getHttpCodeStatusMapper().getStatusCode(Status.OUT_OF_SERVICE)).isEqualTo(503);
        }

        @Test
        void limiterDecidesInTheGatewaysRedis() {
            RateLimit limit = RateLimit.perSecond(100, 1_000);

            // the very first call may open the connection and take longer than the 50 ms it is allowed
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(() -> !rateLimiter.acquire("platform-routing-it", limit, (String) null, null)
                            .get(5, java.util.concurrent.TimeUnit.SECONDS).fallback());
        }
    }
}
