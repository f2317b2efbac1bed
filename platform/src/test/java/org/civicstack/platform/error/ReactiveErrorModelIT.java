package org.civicstack.platform.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * The shared error model and JSON conventions on the reactive stack, through a real server: every failure a
 * client can cause is a 4xx problem+json with a stable code and a reason; an unexpected failure is a 500 that
 * reveals nothing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        classes = ReactiveErrorModelIT.TestApp.class,
        properties = {"spring.main.web-application-type=reactive", "spring.application.name=error-model-test"})
class ReactiveErrorModelIT {

    @LocalServerPort
    int port;

    WebTestClient client;

    @BeforeEach
    void connect() {
        client = org.civicstack.testkit.TestClients.webTestClient("http://localhost:" + port);
    }

    @Nested
    class JsonConventions {

        @Test
        void responsesUseSnakeCaseAndOmitNulls() {
            client.post().uri("/things").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"display_name\":\"Futian clinic\",\"max_slots\":3}")
                    .exchange()
                    .expectStatus().isOk()
                    .expectBody()
                    .jsonPath("$.display_name").isEqualTo("Futian clinic")
                    .jsonPath("$.max_slots").isEqualTo(3)
                    .jsonPath("$.note").doesNotExist();
        }

        @Test
        void unknownFieldIsRejectedWithItsName() {
            problem(client.post().uri("/things").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"display_name\":\"x\",\"max_slots\":1,\"is_admin\":true}").exchange(), 400)
                    .jsonPath("$.code").isEqualTo("malformed_request")
                    .jsonPath("$.detail").isEqualTo("Unknown field 'is_admin'.");
        }

        @Test
        void malformedJsonIsA400WithLocationNotAStackTrace() {
            problem(client.post().uri("/things").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"display_name\": ").exchange(), 400)
                    .jsonPath("$.code").isEqualTo("malformed_request")
                    .jsonPath("$.detail").value(detail -> assertThat(detail.toString()).startsWith("The body is not valid JSON"));
        }

        @Test
        void aFieldNamedTwiceIsRefusedWithItsName() {
            problem(client.post().uri("/things").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"display_name\":\"x\",\"max_slots\":1,\"max_slots\":900}").exchange(), 400)
                    .jsonPath("$.code").isEqualTo("malformed_request")
                    .jsonPath("$.detail").value(detail -> assertThat(detail.toString())
                            .startsWith("Field 'max_slots' appears more than once in an object"));
        }

        @Test
        void deeplyNestedOrBadlyEncodedJsonIsA400() {
            String deep = "{\"display_name\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
            problem(client.post().uri("/things").contentType(MediaType.APPLICATION_JSON).bodyValue(deep).exchange(), 400)
                    .jsonPath("$.code").isEqualTo("malformed_request");
            byte[] latin1 = "{\"display_name\":\"caf\u00e9\",\"max_slots\":1}".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            problem(client.post().uri("/things").contentType(MediaType.APPLICATION_JSON).bodyValue(latin1).exchange(), 400)
                    .jsonPath("$.code").isEqualTo("malformed_request");
        }

        @Test
        void wrongTypeNamesTheField() {
            problem(client.post().uri("/things").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"display_name\":\"x\",\"max_slots\":\"many\"}").exchange(), 400)
                    .jsonPath("$.detail").isEqualTo("Field 'max_slots' has a value of the wrong type or format.");
        }
    }

    @Nested
    class Validation {

        @Test
        void everyInvalidFieldIsListedInSnakeCase() {
            problem(client.post().uri("/things").contentType(MediaType.APPLICATION_JSON)
                    .bodyValue("{\"display_name\":\" \",\"max_slots\":0}").exchange(), 400)
                    .jsonPath("$.code").isEqualTo("validation_failed")
                    .jsonPath("$.errors.length()").isEqualTo(2)
                    .jsonPath("$.errors[?(@.field == 'display_name')].code").isEqualTo("not_blank")
                    .jsonPath("$.errors[?(@.field == 'max_slots')].code").isEqualTo("min");
        }
    }

    @Nested
    class HttpErrors {

        @Test
        void unknownPathIsProblemNotFound() {
            problem(client.get().uri("/no/such/path").exchange(), 404)
                    .jsonPath("$.code").isEqualTo("not_found")
                    .jsonPath("$.type").isEqualTo("urn:civicstack:problem:not_found")
                    .jsonPath("$.instance").isEqualTo("/no/such/path");
        }

        @Test
        void wrongMethodIs405WithAllowHeader() {
            client.delete().uri("/things").exchange()
                    .expectStatus().isEqualTo(405)
                    .expectHeader().contentType("application/problem+json")
                    .expectHeader().value("Allow", allow -> assertThat(allow).contains("POST"))
                    .expectBody(Void.class); // read (and release) every body: an unread one leaks its buffers
        }

        @Test
        void domainProblemKeepsItsStatusCodeAndHeaders() {
            problem(client.get().uri("/busy").exchange(), 429)
                    .jsonPath("$.code").isEqualTo("rate_limited")
                    .jsonPath("$.detail").isEqualTo("Slow down.");
            client.get().uri("/busy").exchange().expectHeader().valueEquals("Retry-After", "7").expectBody(Void.class);
        }

        @Test
        void unexpectedFailureIs500WithoutInternals() {
            problem(client.get().uri("/boom").exchange(), 500)
                    .jsonPath("$.code").isEqualTo("internal_error")
                    .jsonPath("$.detail").value(detail -> assertThat(detail.toString()).doesNotContain("SECRET"));
        }
    }

    @Nested
    class RequestIds {

        @Test
        void plainCallerSuppliedIdIsEchoedInHeaderAndProblem() {
            client.get().uri("/no/such/path").header("X-Request-Id", "app-req-12345678").exchange()
                    .expectHeader().valueEquals("X-Request-Id", "app-req-12345678")
                    .expectBody().jsonPath("$.request_id").isEqualTo("app-req-12345678");
        }

        @Test
        void hostileIdIsReplaced() {
            client.get().uri("/no/such/path").header("X-Request-Id", "x\"><script>").exchange()
                    .expectHeader().value("X-Request-Id", id -> assertThat(id).matches("[0-9a-f-]{36}"))
                    .expectBody(Void.class);
        }
    }

    private WebTestClient.BodyContentSpec problem(WebTestClient.ResponseSpec response, int status) {
        return response.expectStatus().isEqualTo(status)
                .expectHeader().contentType("application/problem+json")
                .expectBody()
                .jsonPath("$.status").isEqualTo(status)
                .jsonPath("$.title").isNotEmpty()
                .jsonPath("$.request_id").isNotEmpty();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration(excludeName = {  // the platform's optional database support is on this class path
            "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration",
            "org.springframework.boot.flyway.autoconfigure.FlywayAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration",
            "org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration",
            "org.springframework.boot.security.oauth2.server.resource.autoconfigure.reactive.ReactiveOAuth2ResourceServerAutoConfiguration",
            "org.springframework.boot.data.r2dbc.autoconfigure.DataR2dbcAutoConfiguration",
            "org.springframework.boot.r2dbc.autoconfigure.R2dbcAutoConfiguration"})
    static class TestApp {

        @RestController
        static class ThingController {

            @PostMapping("/things")
            Map<String, Object> create(@Valid @RequestBody Thing thing) {
                return Map.of("display_name", thing.displayName(), "max_slots", thing.maxSlots());
            }

            @GetMapping("/busy")
            String busy() {
                throw new ApiProblem(429, "rate_limited", "Too many requests", "Slow down.", List.of(),
                        Map.of("Retry-After", "7"));
            }

            @GetMapping("/boom")
            String boom() {
                throw new IllegalStateException("SECRET connection string leaked");
            }
        }
    }

    record Thing(@NotBlank String displayName, @Min(1) int maxSlots, String note) {
    }
}
