package org.civicstack.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleRequest;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.ValidationReport;

/**
 * Real HTTP exchanges with a running service, each checked against the OpenAPI document that service publishes
 * ({@code /v3/api-docs}, what the gateway serves at {@code /openapi/<service>}) by a maintained validator: the
 * path and method are documented, the status is one of the operation's responses, the content type is the
 * documented one and the body matches its schema — no property the schema does not name, no value outside its enum.
 */
public final class OpenApiConformance {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final String base;
    private final OpenApiInteractionValidator validator;
    public final String document;

    private OpenApiConformance(String base, String document) {
        this.base = base;
        this.document = document;
        this.validator = OpenApiInteractionValidator.createForInlineApiSpecification(document).build();
    }

    public static OpenApiConformance ofServiceAt(int port) {
        String base = "http://localhost:" + port;
        HttpResponse<String> docs = send(HttpRequest.newBuilder(URI.create(base + "/v3/api-docs")).GET());
        assertThat(docs.statusCode()).as("GET /v3/api-docs").isEqualTo(200);
        return new OpenApiConformance(base, docs.body());
    }

    public static Call call(String method, String path) {
        return new Call(method, path);
    }

    /** Sends the call; the request as sent and the response as received must both match the document. */
    public HttpResponse<String> conforming(Call call) {
        HttpResponse<String> response = send(call);
        assertClean(validator.validate(call.asValidatorRequest(), asValidatorResponse(response)), call, response);
        return response;
    }

    /** Sends a call that is deliberately wrong; only the response must match the document. */
    public HttpResponse<String> answeredAsDocumented(Call call) {
        HttpResponse<String> response = send(call);
        assertClean(validator.validateResponse(call.path, Request.Method.valueOf(call.method),
                asValidatorResponse(response)), call, response);
        return response;
    }

    /** Error messages for a made-up response: proves the validator refuses what does not match. */
    public java.util.List<String> errorsFor(String method, String path, int status, String contentType, String body) {
        SimpleResponse response = SimpleResponse.Builder.status(status).withContentType(contentType).withBody(body).build();
        return validator.validateResponse(path, Request.Method.valueOf(method), response).getMessages().stream()
                .filter(message -> message.getLevel() == ValidationReport.Level.ERROR)
                .map(ValidationReport.Message::getMessage)
                .toList();
    }

    private HttpResponse<String> send(Call call) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + call.pathAndQuery()))
                .method(call.method, call.body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(call.body));
        call.headers.forEach(request::header);
        return send(request);
    }

    private static SimpleResponse asValidatorResponse(HttpResponse<String> response) {
        SimpleResponse.Builder builder = SimpleResponse.Builder.status(response.statusCode());
        response.headers().map().forEach(builder::withHeader);
        if (!response.body().isEmpty()) {
            builder.withBody(response.body());
        }
        return builder.build();
    }

    private static void assertClean(ValidationReport report, Call call, HttpResponse<String> response) {
        assertThat(report.getMessages())
                .as("%s %s → %d %s %s%ndoes not match the published document", call.method, call.pathAndQuery(),
                        response.statusCode(), response.headers().firstValue("Content-Type").orElse("(no type)"),
                        response.body())
                .filteredOn(message -> message.getLevel() == ValidationReport.Level.ERROR)
                .isEmpty();
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) {
        try {
            return HTTP.send(request.timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** One request: method, path, query, headers, body. */
    public static final class Call {

        private final String method;
        private final String path;
        private final Map<String, String> query = new LinkedHashMap<>();
        private final Map<String, String> headers = new LinkedHashMap<>();
        private String body;

        private Call(String method, String path) {
            this.method = method;
            this.path = path;
        }

        public Call bearer(String token) {
            headers.put("Authorization", "Bearer " + token);
            return this;
        }

        public Call header(String name, String value) {
            headers.put(name, value);
            return this;
        }

        public Call query(String name, String value) {
            query.put(name, value);
            return this;
        }

        public Call json(String json) {
            headers.put("Content-Type", "application/json");
            body = json;
            return this;
        }

        public Call form(String form) {
            headers.put("Content-Type", "application/x-www-form-urlencoded");
            body = form;
            return this;
        }

        String pathAndQuery() {
            return query.isEmpty() ? path : path + "?" + query.entrySet().stream()
                    .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                    .collect(Collectors.joining("&"));
        }

        Request asValidatorRequest() {
            SimpleRequest.Builder request = new SimpleRequest.Builder(method, path);
            query.forEach(request::withQueryParam);
            headers.forEach(request::withHeader);
            if (body != null) {
                request.withBody(body);
            }
            return request.build();
        }
    }
}
