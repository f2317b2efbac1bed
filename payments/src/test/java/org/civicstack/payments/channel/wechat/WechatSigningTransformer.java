package org.civicstack.payments.channel.wechat;

import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.util.Map;

import com.github.tomakehurst.wiremock.extension.Parameters;
import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.HttpHeaders;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;

/**
 * Signs every WireMock answer the way WeChat Pay does, with the test's platform key. A stub changes that through
 * transformer parameters: {@code unsigned} (send no signature headers, as WeChat's gateway does for some errors
 * and for bill files), {@code serial} (name another key), {@code signer} ({@code stranger} or {@code rotated}
 * signs instead), {@code skewSeconds} (sign with a timestamp that far from the test clock) and {@code tamper}
 * (change the body after signing it).
 */
final class WechatSigningTransformer implements ResponseTransformerV2 {

    @Override
    public Response transform(Response response, ServeEvent serveEvent) {
        Parameters parameters = serveEvent.getTransformerParameters();
        Map<String, Object> options = parameters == null ? Map.of() : parameters;
        if (Boolean.TRUE.equals(options.get("unsigned"))) {
            return response;
        }
        String serial = (String) options.getOrDefault("serial", WechatPayTestKit.PLATFORM_SERIAL);
        PrivateKey key = switch ((String) options.getOrDefault("signer", "platform")) {
            case "stranger" -> WechatPayTestKit.STRANGER.getPrivate();
            case "rotated" -> WechatPayTestKit.ROTATED.getPrivate();
            default -> WechatPayTestKit.PLATFORM.getPrivate();
        };
        long skew = ((Number) options.getOrDefault("skewSeconds", 0)).longValue();
        byte[] body = response.getBody() == null ? new byte[0] : response.getBody();
        HttpHeaders headers = response.getHeaders();
        for (Map.Entry<String, String> header : WechatPayTestKit
                .signatureHeaders(key, serial, WechatPayTestKit.NOW.plusSeconds(skew), body).entrySet()) {
            headers = headers.plus(HttpHeader.httpHeader(header.getKey(), header.getValue()));
        }
        byte[] sent = body;
        if (Boolean.TRUE.equals(options.get("tamper"))) {
            sent = new String(body, StandardCharsets.UTF_8).replace("1250", "1").getBytes(StandardCharsets.UTF_8);
        }
        return Response.Builder.like(response).but().headers(headers).body(sent).build();
    }

    @Override
    public boolean applyGlobally() {
        return true;
    }

    @Override
    public String getName() {
        return "wechatpay-signer";
    }
}
