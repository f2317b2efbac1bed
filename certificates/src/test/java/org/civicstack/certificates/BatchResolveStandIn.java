package org.civicstack.certificates;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.github.tomakehurst.wiremock.extension.ResponseTransformerV2;
import com.github.tomakehurst.wiremock.http.Response;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Identity's {@code POST /v1/identity/citizen-references/resolve-batch} in the stand-in: answers every item from the
 * same mappings the single-form stubs answer ({@link CertificatesTestSupport#knowAs}, {@code verifiedWith}), one
 * element per item in order, {@code error} for the unknown. Subjects starting with a prefix given to
 * {@link #everySubjectStartingWith} are their own citizen reference (the benchmark's fresh citizens). A resident ID
 * number listed in {@link #refusedNumbers} is refused as identity refuses an invalid one (400, {@code items[i]…}).
 */
public final class BatchResolveStandIn implements ResponseTransformerV2 {

    static final Map<String, String> subjects = new ConcurrentHashMap<>();
    static final Map<String, String> numbers = new ConcurrentHashMap<>();
    public static final java.util.Set<String> refusedNumbers = ConcurrentHashMap.newKeySet();
    private static volatile String selfPrefix;
    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static void everySubjectStartingWith(String prefix) {
        selfPrefix = prefix;
    }

    static void knowAs(String agencyId, String subject, String ref) {
        subjects.put(agencyId + "|" + subject, ref);
    }

    static void verifiedWith(String number, String ref) {
        numbers.put(number, ref);
    }

    /** Identity's pairwise subjects: 16 random bytes, base64url (identity's {@code JdbcPairwiseSubjects}). */
    static final java.util.regex.Pattern SUBJECT_FORMAT = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{22}");

    @Override
    public Response transform(Response response, ServeEvent serveEvent) {
        JsonNode items = JSON.readTree(serveEvent.getRequest().getBodyAsString()).get("items");
        List<Map<String, Object>> data = new ArrayList<>();
        List<Map<String, Object>> errors = new ArrayList<>();
        for (int i = 0; i < items.size(); i++) {
            JsonNode item = items.get(i);
            Map<String, Object> answer = new LinkedHashMap<>();
            if (item.has("subject")) {
                String agency = item.get("agency_id").asString();
                String subject = item.get("subject").asString();
                if (!SUBJECT_FORMAT.matcher(subject).matches()) {
                    // as identity: a subject it never gives out is a malformed item, not an unknown one
                    errors.add(Map.of("field", "items[" + i + "].subject", "code", "invalid_format",
                            "message", "is not a subject identity gives out"));
                }
                String prefix = selfPrefix;
                String ref = prefix != null && subject.startsWith(prefix) ? subject : subjects.get(agency + "|" + subject);
                if (ref == null) {
                    answer.put("error", "unknown_subject");
                } else {
                    answer.put("citizen_ref", ref);
                    answer.put("agency_id", agency);
                    answer.put("subject", subject);
                }
            } else {
                String number = item.get("resident_id_number").asString();
                if (refusedNumbers.contains(number)) {
                    errors.add(Map.of("field", "items[" + i + "].resident_id_number", "code", "invalid_format",
                            "message", "is not a valid resident ID number (GB 11643): bad check character"));
                }
                String ref = numbers.get(number);
                if (ref == null) {
                    answer.put("error", "unknown_citizen");
                } else {
                    answer.put("citizen_ref", ref);
                    answer.put("assurance_level", 2);
                }
            }
            data.add(answer);
        }
        if (!errors.isEmpty()) {
            return Response.Builder.like(response).but().status(400)
                    .headers(new com.github.tomakehurst.wiremock.http.HttpHeaders(
                            com.github.tomakehurst.wiremock.http.HttpHeader.httpHeader("Content-Type",
                                    "application/problem+json")))
                    .body(JSON.writeValueAsString(Map.of("status", 400, "code", "validation_failed", "errors", errors))
                            .getBytes(StandardCharsets.UTF_8))
                    .build();
        }
        return Response.Builder.like(response).but()
                .body(JSON.writeValueAsString(Map.of("data", data)).getBytes(StandardCharsets.UTF_8)).build();
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public String getName() {
        return "resolve-batch";
    }
}
