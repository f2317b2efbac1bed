package org.civicstack.identity.login.sms;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.civicstack.identity.citizen.MobileNumber;
import org.civicstack.identity.login.OneTimeCode;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Alibaba Cloud SMS: {@code SendSms} of {@code dysmsapi} (version 2017-05-25), RPC style, signature version 1.0
 * (HMAC-SHA1), as published in Alibaba Cloud's API reference ("RPC 风格请求签名", SendSms). One {@code POST} of an
 * {@code application/x-www-form-urlencoded} body to the endpoint with the common parameters {@code AccessKeyId,
 * Action=SendSms, Format=JSON, RegionId, SignatureMethod=HMAC-SHA1, SignatureNonce, SignatureVersion=1.0,
 * Timestamp (yyyy-MM-dd'T'HH:mm:ss'Z', UTC), Version=2017-05-25} and {@code PhoneNumbers, SignName, TemplateCode,
 * TemplateParam={"code":"123456"}}; {@code Signature} = Base64(HMAC-SHA1(secret + "&", "POST&%2F&" +
 * percentEncode(sorted, percent-encoded k=v pairs joined by &))). Success is {@code {"Code":"OK", …}}; any other
 * {@code Code} is a {@link SmsFailure.Rejected}; no answer in time, an I/O error or a 5xx is
 * {@link SmsFailure.Unavailable}. Mainland numbers are sent as 11 digits, others as country code + number.
 */
public final class AliyunSmsSender implements SmsSender {

    static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);

    private final SmsProperties.Aliyun account;
    private final HttpClient http;
    private final JsonMapper json;
    private final Clock clock;

    public AliyunSmsSender(SmsProperties.Aliyun account, JsonMapper json, Clock clock) {
        this.account = account;
        this.json = json;
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(account.connectTimeout())
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public void sendLoginCode(MobileNumber to, OneTimeCode code) throws SmsFailure {
        Map<String, String> parameters = new TreeMap<>();
        parameters.put("AccessKeyId", account.accessKeyId());
        parameters.put("Action", "SendSms");
        parameters.put("Format", "JSON");
        parameters.put("RegionId", account.regionId());
        parameters.put("SignatureMethod", "HMAC-SHA1");
        parameters.put("SignatureNonce", UUID.randomUUID().toString());
        parameters.put("SignatureVersion", "1.0");
        parameters.put("Timestamp", TIMESTAMP.format(clock.instant()));
        parameters.put("Version", "2017-05-25");
        parameters.put("PhoneNumbers", phoneNumber(to));
        parameters.put("SignName", account.signName());
        parameters.put("TemplateCode", account.templateCode());
        parameters.put("TemplateParam", "{\"code\":\"" + code.reveal() + "\"}");
        String signature = signature("POST", parameters, account.accessKeySecret());
        String body = canonicalQuery(parameters) + "&Signature=" + percentEncode(signature);
        HttpRequest request = HttpRequest.newBuilder(account.endpoint())
                .timeout(account.requestTimeout())
                .header("Content-Type", "application/x-www-form-urlencoded; charset=UTF-8")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (HttpTimeoutException e) {
            throw new SmsFailure.Unavailable("Aliyun SMS did not answer within " + account.requestTimeout(), e);
        } catch (IOException e) {
            throw new SmsFailure.Unavailable("Aliyun SMS unreachable: " + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SmsFailure.Unavailable("interrupted while sending", e);
        }
        if (response.statusCode() >= 500) {
            throw new SmsFailure.Unavailable("Aliyun SMS answered HTTP " + response.statusCode(), null);
        }
        JsonNode answer;
        try {
            answer = json.readTree(response.body());
        } catch (RuntimeException e) {
            throw new SmsFailure.Unavailable("Aliyun SMS answered HTTP " + response.statusCode() + " without JSON", e);
        }
        String resultCode = answer.path("Code").asString("");
        if (response.statusCode() == 200 && "OK".equals(resultCode)) {
            return;
        }
        throw new SmsFailure.Rejected(resultCode.isEmpty() ? "HTTP_" + response.statusCode() : resultCode,
                answer.path("Message").asString(""));
    }

    /** {@code 13800138000} for {@code +8613800138000}; {@code 85291234567} for {@code +85291234567}. */
    static String phoneNumber(MobileNumber to) {
        String e164 = to.e164();
        return e164.startsWith("+86") ? e164.substring(3) : e164.substring(1);
    }

    /** The RPC v1 signature of {@code parameters} (which must not contain {@code Signature}). */
    static String signature(String method, Map<String, String> parameters, String accessKeySecret) {
        String stringToSign = method + "&" + percentEncode("/") + "&" + percentEncode(canonicalQuery(parameters));
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec((accessKeySecret + "&").getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    static String canonicalQuery(Map<String, String> parameters) {
        return new TreeMap<>(parameters).entrySet().stream()
                .map(entry -> percentEncode(entry.getKey()) + "=" + percentEncode(entry.getValue()))
                .collect(Collectors.joining("&"));
    }

    /** RFC 3986 percent-encoding as Alibaba Cloud specifies it: space %20, {@code *} %2A, {@code ~} kept. */
    static String percentEncode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20").replace("*", "%2A")
                .replace("%7E", "~");
    }

    URI endpoint() {
        return account.endpoint();
    }
}
