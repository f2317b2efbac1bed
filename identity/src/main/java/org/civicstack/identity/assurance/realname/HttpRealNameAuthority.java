package org.civicstack.identity.assurance.realname;

import java.util.LinkedHashMap;
import java.util.Map;

import org.civicstack.identity.assurance.PersonName;
import org.civicstack.identity.assurance.provider.SignedJsonClient;
import org.civicstack.identity.assurance.residentid.ResidentIdNumber;
import tools.jackson.databind.JsonNode;

/**
 * The real-name authority's HTTP API, in the shape commercial gateways to the public-security identity check expose
 * ({@code docs/identity-assurance.md}):
 *
 * <pre>
 * POST {base}/v2/identity/verify          (signed, see RequestSigner)
 * {"request_id": "...", "name": "张三", "id_number": "11010519491231002X"}
 *
 * 200 {"request_id": "...", "order_no": "...", "result": "consistent" | "inconsistent" | "not_found"}
 * 400 / 401 / 403  {"code": "...", "message": "..."}   → Rejected
 * 429 / 5xx, timeout, anything else                    → Unavailable
 * </pre>
 */
public final class HttpRealNameAuthority implements RealNameAuthority {

    public static final String PATH = "/v2/identity/verify";

    private final SignedJsonClient client;

    public HttpRealNameAuthority(SignedJsonClient client) {
        this.client = client;
    }

    @Override
    public RealNameResult verify(String requestId, PersonName name, ResidentIdNumber number) {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("request_id", requestId);
        body.put("name", name.value());
        body.put("id_number", number.value());
        SignedJsonClient.Answer answer = client.post(PATH, body);
        if (answer instanceof SignedJsonClient.Answered answered) {
            return interpret(answered.status(), answered.body());
        }
        return new RealNameResult.Unavailable(((SignedJsonClient.NoAnswer) answer).reason());
    }

    private static RealNameResult interpret(int status, JsonNode body) {
        if (status == 200) {
            if (body == null) {
                return new RealNameResult.Unavailable("unreadable_answer");
            }
            String reference = body.path("order_no").isString() ? body.path("order_no").asString() : null;
            return switch (body.path("result").isString() ? body.path("result").asString() : "") {
                case "consistent" -> new RealNameResult.Match(reference);
                case "inconsistent" -> new RealNameResult.NoMatch(reference, RealNameResult.NoMatch.Reason.INCONSISTENT);
                case "not_found" -> new RealNameResult.NoMatch(reference, RealNameResult.NoMatch.Reason.NOT_FOUND);
                default -> new RealNameResult.Unavailable("unknown_result");
            };
        }
        if (status == 400 || status == 401 || status == 403) {
            return new RealNameResult.Rejected(status, SignedJsonClient.providerCode(body, status));
        }
        return new RealNameResult.Unavailable(status == 429 ? "provider_throttled" : "http_" + status);
    }
}
