package org.civicstack.identity.assurance.provider;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * POSTs a signed JSON request to a provider and reads its JSON answer, with a connect timeout and a whole-request
 * timeout. Retry policy: one retry, only when the connection could not be established ({@link ConnectException},
 * connect timeout) — then the provider never saw the request, so repeating it can neither double-bill nor
 * double-act. A timeout after sending, a 5xx or a 429 is not retried: the provider may have processed (and billed)
 * the call, and the citizen, who is waiting, can try again. Never logs bodies (they carry names and ID numbers).
 */
public final class SignedJsonClient {

    private final HttpClient http;
    private final URI baseUrl;
    private final Duration requestTimeout;
    private final RequestSigner signer;
    private final JsonMapper json;

    public SignedJsonClient(URI baseUrl, Duration connectTimeout, Duration requestTimeout, RequestSigner signer,
            JsonMapper json) {
        this.http = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1).build();
        this.baseUrl = baseUrl;
        this.requestTimeout = requestTimeout;
        this.signer = signer;
        this.json = json;
    }

    /** What came back: an HTTP answer, or why there was none. */
    public sealed interface Answer {
    }

    /** The provider answered; {@code body} is null when it was not JSON. */
    public record Answered(int status, JsonNode body) implements Answer {
    }

    /** No answer: {@code reason} is {@code connect_failed}, {@code timeout} or {@code io_error}. */
    public record NoAnswer(String reason) implements Answer {
    }

    public Answer post(String path, Map<String, ?> body) {
        byte[] bytes = json.writeValueAsBytes(body);
        Answer answer = send(path, bytes);
        if (answer instanceof NoAnswer none && none.reason().equals("connect_failed")) {
            answer = send(path, bytes);
        }
        return answer;
    }

    private Answer send(String path, byte[] body) {
        String fullPath = join(baseUrl.getRawPath(), path);
        HttpRequest.Builder request = HttpRequest.newBuilder(baseUrl.resolve(fullPath))
                .timeout(requestTimeout)
                .header("Content-Type", "application/json; charset=UTF-8")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        signer.headers("POST", fullPath, body).forEach(request::header);
        try {
            HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answered(response.statusCode(), parse(response.body()));
        } catch (HttpConnectTimeoutException | ConnectException e) {
            return new NoAnswer("connect_failed");
        } catch (HttpTimeoutException e) {
            return new NoAnswer("timeout");
        } catch (IOException e) {
            return new NoAnswer("io_error");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new NoAnswer("io_error");
        }
    }

    private JsonNode parse(byte[] body) {
        if (body.length == 0) {
            return null;
        }
        try {
            JsonNode node = json.readTree(new String(body, StandardCharsets.UTF_8));
            return node != null && node.isObject() ? node : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    /**
     * The provider's error {@code code}, reduced to a short token (it goes into our records and logs; never free
     * text, which could echo input), or {@code http_<status>}.
     */
    public static String providerCode(JsonNode body, int status) {
        String code = body != null && body.path("code").isString() ? body.path("code").asString() : "http_" + status;
        // letters, digits and . _ - only, and no run of 6+ digits: a provider echoing input must not put an ID
        // number (or a mobile number) into our records
        String token = code.replaceAll("[^A-Za-z0-9_.-]", "").replaceAll("[0-9]{6,}", "");
        return token.isEmpty() ? "unspecified" : token.substring(0, Math.min(token.length(), 64));
    }

    private static String join(String basePath, String path) {
        String base = basePath == null ? "" : basePath.replaceAll("/+$", "");
        return base + path;
    }
}
