package org.civicstack.identity.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.identity.TestClients.aPlatformClient;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import com.jayway.jsonpath.JsonPath;
import org.civicstack.identity.TestClients;
import org.civicstack.identity.TokenEndpoint;
import org.civicstack.identity.clients.PlatformClientRegistrar;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

/**
 * What identity reads of a request body. It reads no request body larger than {@code spring.http.codecs.max-in-memory-size} (the platform's one body
 * limit, 256 KiB by default, as the reactive services): a larger one is a problem+json 413 whether it announces its
 * length or arrives chunked, before any of it is parsed, and a body under the limit is served as before. A JSON
 * object naming a field twice is a 400 naming it (the platform's JSON settings), not read as its last value.
 */
@ServiceIntegrationTest
class RequestBodyIT {

    static final TestClients CERTIFICATES = aPlatformClient("it-body-limit-certificates").withScopes("identity:resolve");
    static final String RESOLVE = "/v1/identity/citizen-references/resolve-batch";
    static final int LIMIT = 256 * 1024;

    @LocalServerPort
    int port;
    @Autowired
    PlatformClientRegistrar registrar;

    TokenEndpoint identity;
    String token;

    @BeforeEach
    void setUp() {
        identity = new TokenEndpoint(port);
        CERTIFICATES.register(registrar);
        token = JsonPath.read(identity.clientCredentials(CERTIFICATES.clientId(), CERTIFICATES.secret(),
                "identity:resolve").body(), "$.access_token");
    }

    @Test
    void aJsonBodyOverTheLimitWithItsLengthIs413() {
        HttpResponse<String> response = identity.send(resolve(HttpRequest.BodyPublishers.ofString(items(LIMIT + 1))));

        assertTooLarge(response);
    }

    @Test
    void aChunkedJsonBodyOverTheLimitIs413() {
        byte[] body = items(4 * LIMIT).getBytes(StandardCharsets.UTF_8);
        HttpResponse<String> response = identity.send(resolve(HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(body))));

        assertTooLarge(response);
    }

    @Test
    void aChunkedBodyThatNeverEndsOnARawSocketIsAnswered413AndTheServerStaysUp() throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            byte[] chunk = ("{\"items\":[" + "{\"resident_id_number\":\"11010519491231002X\"},".repeat(1000))
                    .getBytes(StandardCharsets.US_ASCII);
            // the client keeps sending (and never sends the last chunk) while the answer is read
            Thread sender = new Thread(() -> {
                try {
                    out.write(("POST " + RESOLVE + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                            + "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    for (int sent = 0; sent < 64 * LIMIT; sent += chunk.length) {
                        out.write((Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                        out.write(chunk);
                        out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                } catch (java.io.IOException closedByTheServer) {
                    // expected: the server stops reading once it answered
                }
            });
            sender.setDaemon(true);
            sender.start();
            InputStream in = socket.getInputStream();
            String answer = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertThat(answer).isEqualTo("HTTP/1.1 413");
            sender.interrupt();
        }
        assertThat(identity.get("/actuator/health").statusCode()).isEqualTo(200);
    }

    @Test
    void aBodyUnderTheLimitIsServed() {
        String body = "{\"items\":[{\"resident_id_number\":\"11010519491231002X\"}]}";

        HttpResponse<String> response = identity.send(resolve(HttpRequest.BodyPublishers.ofString(body)));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    @Test
    void aFieldNamedTwiceIs400NamingIt() {
        String body = "{\"items\":[{\"resident_id_number\":\"11010519491231002X\"}],\"items\":[]}";

        HttpResponse<String> response = identity.send(resolve(HttpRequest.BodyPublishers.ofString(body)));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        assertThat((String) JsonPath.read(response.body(), "$.code")).isEqualTo("malformed_request");
        assertThat((String) JsonPath.read(response.body(), "$.detail"))
                .startsWith("Field 'items' appears more than once in an object");
    }

    @Test
    void deeplyNestedOrBadlyEncodedJsonIs400() {
        String deep = "{\"items\":" + "[".repeat(100_000) + "]".repeat(100_000) + "}";
        HttpResponse<String> nested = identity.send(resolve(HttpRequest.BodyPublishers.ofString(deep)));
        assertThat(nested.statusCode()).as(nested.body()).isEqualTo(400);
        assertThat((String) JsonPath.read(nested.body(), "$.code")).isEqualTo("malformed_request");

        byte[] latin1 = "{\"items\":[{\"agency_id\":\"agy_caf\u00e9\",\"subject\":\"x\"}]}"
                .getBytes(StandardCharsets.ISO_8859_1);
        HttpResponse<String> encoded = identity.send(resolve(HttpRequest.BodyPublishers.ofByteArray(latin1)));
        assertThat(encoded.statusCode()).as(encoded.body()).isEqualTo(400);
        assertThat((String) JsonPath.read(encoded.body(), "$.code")).isEqualTo("malformed_request");
    }

    @Test
    void aFormOverTheLimitAtTheTokenEndpointIs413() {
        String form = "grant_type=client_credentials&scope=identity%3Aresolve&padding=" + "x".repeat(LIMIT);
        HttpResponse<String> response = identity.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + port + "/oauth2/token"))
                .header("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
                        (CERTIFICATES.clientId() + ":" + CERTIFICATES.secret()).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)));

        assertTooLarge(response);
    }

    private HttpRequest.Builder resolve(HttpRequest.BodyPublisher body) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + port + RESOLVE))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .POST(body);
    }

    /** A well-formed resolve-batch body of at least {@code size} bytes (too many items too, but never read). */
    private static String items(int size) {
        StringBuilder body = new StringBuilder(size + 64).append("{\"items\":[");
        String item = "{\"resident_id_number\":\"11010519491231002X\"}";
        while (body.length() < size) {
            body.append(item).append(',');
        }
        body.append(item).append("]}");
        return body.toString();
    }

    private static void assertTooLarge(HttpResponse<String> response) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(413);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat((String) JsonPath.read(response.body(), "$.code")).isEqualTo("payload_too_large");
        assertThat(((String) JsonPath.read(response.body(), "$.detail")).toLowerCase(Locale.ROOT))
                .contains("larger");
        assertThat((String) JsonPath.read(response.body(), "$.request_id"))
                .isEqualTo(response.headers().firstValue("X-Request-Id").orElseThrow());
    }
}
