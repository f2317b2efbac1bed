package org.civicstack.payments.channel.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The provider's protocol probed by hand (JDK HTTP client, JDK crypto), independently of the adapter: what a
 * merchant writing its own client would rely on.
 */
class SandboxProviderTest {

    private SandboxHarness sandbox;
    private SignedCalls calls;

    @BeforeEach
    void start() {
        sandbox = SandboxHarness.start();
        calls = new SignedCalls(sandbox);
    }

    @AfterEach
    void stop() {
        sandbox.close();
    }

    private String orderBody(String outTradeNo) {
        return "{\"out_trade_no\":\"" + outTradeNo + "\",\"amount\":100,\"currency\":\"CNY\",\"description\":\"x\","
                + "\"expires_at\":\"" + sandbox.clock.instant().plusSeconds(600) + "\",\"notify_url\":\""
                + sandbox.receiver.url("mca_test") + "\"}";
    }

    @Test
    void publishedKeyIsTheOnboardingKeyAndVerifiesAnswersWithTheJdk() throws Exception {
        JsonNode keys = SandboxHarness.JSON.readTree(sandbox.send(HttpRequest.newBuilder(
                sandbox.baseUri().resolve("/v1/keys")).GET().build()).body());
        assertThat(keys.get("algorithm").stringValue()).isEqualTo("Ed25519");
        assertThat(keys.get("public_key").stringValue())
                .isEqualTo(sandbox.account.property(SandboxChannel.PROVIDER_PUBLIC_KEY));

        HttpResponse<String> created = calls.post(sandbox.account, "/v1/orders", orderBody("pay_jdk"),
                sandbox.clock.instant(), "n-1");
        assertThat(created.statusCode()).isEqualTo(200);
        PublicKey key = KeyFactory.getInstance("Ed25519").generatePublic(
                new X509EncodedKeySpec(Base64.getDecoder().decode(keys.get("public_key").stringValue())));
        Signature verifier = Signature.getInstance("Ed25519");
        verifier.initVerify(key);
        verifier.update((created.headers().firstValue("Sandbox-Timestamp").orElseThrow() + "."
                + created.headers().firstValue("Sandbox-Nonce").orElseThrow() + "." + created.body())
                .getBytes(StandardCharsets.UTF_8));
        assertThat(verifier.verify(Base64.getDecoder().decode(
                created.headers().firstValue("Sandbox-Signature").orElseThrow()))).isTrue();
        assertThat(SandboxHarness.JSON.readTree(created.body()).get("status").stringValue()).isEqualTo("pending");
    }

    @Test
    void replayedNonceIsRefused() {
        HttpResponse<String> first = calls.get(sandbox.account, "/v1/orders/pay_none", sandbox.clock.instant(), "n-2");
        HttpResponse<String> replay = calls.get(sandbox.account, "/v1/orders/pay_none", sandbox.clock.instant(), "n-2");

        assertThat(first.statusCode()).isEqualTo(404);
        assertThat(replay.statusCode()).isEqualTo(401);
        assertThat(replay.body()).contains("\"nonce_reused\"");
    }

    @Test
    void badSignatureOrMissingHeadersAre401WithACode() {
        String otherKey = Base64.getUrlEncoder().withoutPadding().encodeToString(new byte[32]);
        HttpResponse<String> wrongKey = calls.send(sandbox.account, "GET", "/v1/orders/pay_none", "",
                sandbox.clock.instant(), "n-3", otherKey);
        HttpResponse<String> unsigned = sandbox.send(HttpRequest.newBuilder(
                sandbox.baseUri().resolve("/v1/orders/pay_none")).GET().build());

        assertThat(wrongKey.statusCode()).isEqualTo(401);
        assertThat(SandboxHarness.JSON.readTree(wrongKey.body()).get("code").stringValue()).isEqualTo("unauthorized");
        assertThat(unsigned.statusCode()).isEqualTo(401);
    }

    @Test
    void signatureCoversThePathAndTheBody() {
        // signed for one path, sent to another: refused
        String timestamp = Long.toString(sandbox.clock.instant().getEpochSecond());
        String signature = SignedCalls.hmac(sandbox.account.property(SandboxChannel.API_KEY),
                sandbox.account.merchantId() + "." + timestamp + ".n-4.GET./v1/orders/pay_a.");
        HttpResponse<String> moved = sandbox.send(HttpRequest.newBuilder(sandbox.baseUri().resolve("/v1/orders/pay_b"))
                .header("Sandbox-Merchant", sandbox.account.merchantId())
                .header("Sandbox-Timestamp", timestamp)
                .header("Sandbox-Nonce", "n-4")
                .header("Sandbox-Signature", signature)
                .GET().build());

        assertThat(moved.statusCode()).isEqualTo(401);
    }

    @Test
    void malformedBodiesAre400() {
        HttpResponse<String> unknownMember = calls.post(sandbox.account, "/v1/orders",
                orderBody("pay_u").replace("{", "{\"colour\":\"red\","), sandbox.clock.instant(), "n-5");
        HttpResponse<String> fractionalAmount = calls.post(sandbox.account, "/v1/orders",
                orderBody("pay_f").replace("\"amount\":100", "\"amount\":100.5"), sandbox.clock.instant(), "n-6");
        HttpResponse<String> amountAsText = calls.post(sandbox.account, "/v1/orders",
                orderBody("pay_t").replace("\"amount\":100", "\"amount\":\"100\""), sandbox.clock.instant(), "n-7");

        assertThat(unknownMember.statusCode()).isEqualTo(400);
        assertThat(unknownMember.body()).contains("colour");
        assertThat(fractionalAmount.statusCode()).isEqualTo(400);
        assertThat(amountAsText.statusCode()).isEqualTo(400);
    }

    @Test
    void behaviourIsReadBackAndResettable() {
        JsonNode changed = sandbox.behave("{\"duplicates\":4,\"notification_delay_ms\":25,"
                + "\"faults\":{\"query_refund\":{\"kind\":\"timeout\",\"count\":3}}}");
        assertThat(changed.get("duplicates").asInt()).isEqualTo(4);
        assertThat(changed.get("notification_delay_ms").asLong()).isEqualTo(25);
        assertThat(changed.get("faults").get("query_refund").get("kind").stringValue()).isEqualTo("timeout");
        assertThat(changed.get("faults").get("query_refund").get("count").asInt()).isEqualTo(3);

        JsonNode reset = sandbox.behave("{\"reset\":true}");
        assertThat(reset.get("duplicates").asInt()).isEqualTo(1);
        assertThat(reset.get("faults").isEmpty()).isTrue();
    }

    @Test
    void checkoutOfAnUnknownOrderIs404() {
        assertThat(sandbox.pay("sbo_unknown", "succeed").statusCode()).isEqualTo(404);
        assertThat(sandbox.pay("sbo_unknown", "maybe").statusCode()).isEqualTo(400);
    }
}
