package org.civicstack.platform.error;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.mock.http.MockHttpInputMessage;
import tools.jackson.databind.json.JsonMapper;

/** The servlet stack's unreadable request bodies are a 400 that says what is wrong, never a 500. */
class ServletBodyProblemTest {

    record Body(String name) {
    }

    final ProblemResolver resolver = new ProblemResolver(List.of());
    final HttpInputMessage input = new MockHttpInputMessage(new byte[0]);

    @Test
    void unknownFieldIs400NamingTheField() {
        Exception cause = readFailure("{\"name\":\"a\",\"level\":3}");

        Problem problem = resolver.resolve(new HttpMessageNotReadableException("JSON parse error", cause, input), "/x");

        assertThat(problem.status()).isEqualTo(400);
        assertThat(problem.code()).isEqualTo("malformed_request");
        assertThat(problem.detail()).isEqualTo("Unknown field 'level'.");
    }

    @Test
    void brokenJsonIs400() {
        Exception cause = readFailure("{\"name\":");

        Problem problem = resolver.resolve(new HttpMessageNotReadableException("JSON parse error", cause, input), "/x");

        assertThat(problem.status()).isEqualTo(400);
        assertThat(problem.detail()).startsWith("The body is not valid JSON");
    }

    @Test
    void aFieldNamedTwiceIs400NamingIt() {
        Exception cause = readFailure("{\"name\":\"a\",\"name\":\"b\"}");

        Problem problem = resolver.resolve(new HttpMessageNotReadableException("JSON parse error", cause, input), "/x");

        assertThat(problem.status()).isEqualTo(400);
        assertThat(problem.detail()).isEqualTo("Field 'name' appears more than once in an object (line 1, column 19).");
    }

    private static Exception readFailure(String json) {
        try {
            JsonMapper.builder().enable(tools.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .enable(tools.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build()
                    .readValue(json, Body.class);
        } catch (Exception e) {
            return e;
        }
        throw new AssertionError("expected a read failure for " + json);
    }
}
