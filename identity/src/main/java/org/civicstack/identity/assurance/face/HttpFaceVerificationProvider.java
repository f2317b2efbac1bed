package org.civicstack.identity.assurance.face;

import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import org.civicstack.identity.assurance.PersonName;
import org.civicstack.identity.assurance.provider.SignedJsonClient;
import org.civicstack.identity.assurance.residentid.ResidentIdNumber;
import tools.jackson.databind.JsonNode;

/**
 * The face verification provider's HTTP API, modelled on Alibaba Cloud {@code InitFaceVerify} /
 * {@code DescribeFaceVerify} and Tencent Cloud {@code DetectAuth} / {@code GetDetectInfoEnhanced}
 * ({@code docs/identity-assurance.md}); both requests are signed by {@code RequestSigner}:
 *
 * <pre>
 * POST {base}/v2/face/init
 * {"outer_order_no": "...", "scene": "...", "cert_type": "IDENTITY_CARD", "cert_name": "...", "cert_no": "..."}
 * 200 {"certify_id": "...", "sdk_token": "...", "expires_in": 1800}
 *
 * POST {base}/v2/face/describe
 * {"certify_id": "..."}
 * 200 {"status": "pending"}                                              → Pending
 * 200 {"status": "finished", "liveness_passed": true, "similarity": 92.5} → Finished
 * 200 {"status": "expired"}                                              → Expired
 *
 * 400 / 401 / 403 {"code": "...", "message": "..."} → Rejected;  429, 5xx, timeout, garbled → Unavailable
 * </pre>
 */
public final class HttpFaceVerificationProvider implements FaceVerificationProvider {

    public static final String INIT_PATH = "/v2/face/init";
    public static final String DESCRIBE_PATH = "/v2/face/describe";
    static final long MAX_EXPIRES_IN_SECONDS = 24 * 3600;

    private final SignedJsonClient client;
    private final String scene;
    private final Clock clock;

    public HttpFaceVerificationProvider(SignedJsonClient client, String scene, Clock clock) {
        this.client = client;
        this.scene = scene;
        this.clock = clock;
    }

    @Override
    public FaceStart start(String orderNo, PersonName name, ResidentIdNumber number) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("outer_order_no", orderNo);
        body.put("scene", scene);
        body.put("cert_type", "IDENTITY_CARD");
        body.put("cert_name", name.value());
        body.put("cert_no", number.value());
        SignedJsonClient.Answer answer = client.post(INIT_PATH, body);
        if (!(answer instanceof SignedJsonClient.Answered a)) {
            return new FaceStart.Unavailable(((SignedJsonClient.NoAnswer) answer).reason());
        }
        if (a.status() == 200) {
            return started(a.body());
        }
        return isRefusal(a.status()) ? new FaceStart.Rejected(a.status(), code(a))
                : new FaceStart.Unavailable(unavailableReason(a.status()));
    }

    @Override
    public FaceResult result(String providerSession) {
        SignedJsonClient.Answer answer = client.post(DESCRIBE_PATH, Map.of("certify_id", providerSession));
        if (!(answer instanceof SignedJsonClient.Answered a)) {
            return new FaceResult.Unavailable(((SignedJsonClient.NoAnswer) answer).reason());
        }
        if (a.status() == 200) {
            return described(a.body());
        }
        return isRefusal(a.status()) ? new FaceResult.Rejected(a.status(), code(a))
                : new FaceResult.Unavailable(unavailableReason(a.status()));
    }

    private FaceStart started(JsonNode body) {
        if (body == null || !body.path("certify_id").isString() || body.path("certify_id").asString().isBlank()
                || !body.path("expires_in").isIntegralNumber()) {
            return new FaceStart.Unavailable("unreadable_answer");
        }
        long expiresIn = Math.max(0, Math.min(body.path("expires_in").asLong(), MAX_EXPIRES_IN_SECONDS));
        String sdkToken = body.path("sdk_token").isString() ? body.path("sdk_token").asString() : null;
        return new FaceStart.Started(body.path("certify_id").asString(), sdkToken,
                Instant.now(clock).plusSeconds(expiresIn));
    }

    private static FaceResult described(JsonNode body) {
        if (body == null) {
            return new FaceResult.Unavailable("unreadable_answer");
        }
        return switch (body.path("status").isString() ? body.path("status").asString() : "") {
            case "pending" -> new FaceResult.Pending();
            case "expired" -> new FaceResult.Expired();
            case "finished" -> finished(body);
            default -> new FaceResult.Unavailable("unknown_status");
        };
    }

    private static FaceResult finished(JsonNode body) {
        JsonNode liveness = body.path("liveness_passed");
        JsonNode similarity = body.path("similarity");
        if (!liveness.isBoolean() || !similarity.isNumber() || similarity.asDouble() < 0 || similarity.asDouble() > 100) {
            return new FaceResult.Unavailable("unreadable_answer");
        }
        return new FaceResult.Finished(liveness.asBoolean(), similarity.asDouble());
    }

    private static boolean isRefusal(int status) {
        return status == 400 || status == 401 || status == 403;
    }

    private static String unavailableReason(int status) {
        return status == 429 ? "provider_throttled" : "http_" + status;
    }

    private static String code(SignedJsonClient.Answered a) {
        JsonNode body = a.body();
        return SignedJsonClient.providerCode(body, a.status());
    }
}
