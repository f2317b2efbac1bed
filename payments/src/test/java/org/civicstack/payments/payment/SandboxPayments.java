package org.civicstack.payments.payment;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import org.civicstack.payments.PaymentsTestChannels;
import org.civicstack.payments.PaymentsTestSupport.Agency;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** What an agency and a citizen do at the sandbox provider (onboarding, the checkout's "pay" button), over HTTP. */
public final class SandboxPayments {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SandboxPayments() {
    }

    static JsonNode post(String path, String body) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                            URI.create(PaymentsTestChannels.sandbox.baseUri() + path))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode node = JSON.readTree(response.body());
            ((tools.jackson.databind.node.ObjectNode) node).put("http_status", response.statusCode());
            return node;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The agency's merchant account with payments, and its sandbox account (onboarded at the provider). */
    public static void enableSandbox(WebTestClient client, Agency agency) {
        client.put().uri("/v1/payments/merchant").headers(h -> h.setBearerAuth(agency.token()))
                .bodyValue(Map.of("display_name", "深圳市人民医院 Shenzhen People's Hospital",
                        "settlement", Map.of("account_name", "深圳市人民医院", "bank_name", "中国银行深圳分行",
                                "account_number", "6216601234567890")))
                .exchange().expectStatus().is2xxSuccessful();
        JsonNode merchant = post("/v1/merchants", "{}");
        client.put().uri("/v1/payments/merchant/channels/sandbox").headers(h -> h.setBearerAuth(agency.token()))
                .bodyValue(Map.of("merchant_id", merchant.get("merchant_id").asString(),
                        "properties", Map.of("api_key", merchant.get("api_key").asString(),
                                "provider_public_key", merchant.get("provider_public_key").asString())))
                .exchange().expectStatus().isOk();
    }

    /** The citizen presses "pay" (or "fail") on the sandbox checkout page. */
    public static int checkout(String orderId, String outcome) {
        return post("/v1/checkout/" + orderId + "/pay", "{\"outcome\":\"" + outcome + "\"}").get("http_status").asInt();
    }
}
