package org.civicstack.testkit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;

/**
 * A stand-in for Alibaba Cloud SMS (a third party, so WireMock): answers {@code SendSms} with {@code Code: OK} and
 * lets a test read the code it "texted" from the captured request, as a citizen would read their phone. One server
 * per test JVM; identity's Aliyun adapter is pointed at it (identity's {@code LoginIntegrationTest}, the launcher's {@code SharedPlatform}).
 */
public final class AliyunSmsStandIn {

    private static final Pattern CODE = Pattern.compile("\"code\"\\s*:\\s*\"([0-9]{6})\"");
    private static WireMockServer server;

    private AliyunSmsStandIn() {
    }

    public static synchronized WireMockServer server() {
        if (server == null) {
            server = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
            server.start();
            acceptEverything();
        }
        return server;
    }

    /** The provider's normal answer to every SendSms. */
    public static void acceptEverything() {
        server().resetMappings();
        server().stubFor(post(urlEqualTo("/")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"Message\":\"OK\",\"RequestId\":\"F655A8D5-B967-440B-8683-DAD6FF8DE990\","
                        + "\"Code\":\"OK\",\"BizId\":\"900619746936498440^0\"}")));
        // a stand-in for the app's redirect target, so a real browser has somewhere to land
        server().stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo(APP_CALLBACK_PATH))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/html; charset=utf-8")
                        .withBody("<!DOCTYPE html><title>app</title><p id=\"app\">back in the app</p>")));
    }

    /** Path of {@link #appCallback()}. */
    public static final String APP_CALLBACK_PATH = "/app/oauth2/callback";

    /** A loopback redirect URI (RFC 8252 §7.3) served by this server. */
    public static String appCallback() {
        return "http://127.0.0.1:" + server().port() + APP_CALLBACK_PATH;
    }

    public static String endpoint() {
        return "http://127.0.0.1:" + server().port() + "/";
    }

    /** The form parameters of every SendSms received, oldest first. */
    public static List<Map<String, String>> sent() {
        return server().findAll(postRequestedFor(urlEqualTo("/"))).stream().map(AliyunSmsStandIn::form).toList();
    }

    /** The code in the latest message to this number ({@code PhoneNumbers} as Aliyun gets it, e.g. 13800138000). */
    public static Optional<String> latestCodeFor(String phoneNumbers) {
        List<Map<String, String>> all = sent();
        for (int i = all.size() - 1; i >= 0; i--) {
            Map<String, String> message = all.get(i);
            if (phoneNumbers.equals(message.get("PhoneNumbers"))) {
                Matcher matcher = CODE.matcher(message.getOrDefault("TemplateParam", ""));
                return matcher.find() ? Optional.of(matcher.group(1)) : Optional.empty();
            }
        }
        return Optional.empty();
    }

    /** How many messages went to this number. */
    public static long countFor(String phoneNumbers) {
        return sent().stream().filter(message -> phoneNumbers.equals(message.get("PhoneNumbers"))).count();
    }

    public static Map<String, String> form(LoggedRequest request) {
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : request.getBodyAsString().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                form.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return form;
    }
}
