package org.civicstack.certificates.types;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.civicstack.certificates.common.Body;
import org.civicstack.certificates.sdjwt.CredentialRequest;
import tools.jackson.databind.JsonNode;

/** Reads and checks the body of a credential type registration or update. */
final class TypeDefinitionReader {

    static final Pattern TYPE_ID = Pattern.compile("[a-z][a-z0-9_]{2,63}");
    static final Pattern CLAIM_NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    static final Pattern COLOR = Pattern.compile("#[0-9A-Fa-f]{6}");
    static final Set<String> CLAIM_TYPES = Set.of("string", "integer", "number", "boolean", "date");
    private static final Set<String> FIELDS = Set.of("id", "name", "description", "claims", "validity_days", "display");
    private static final Set<String> CLAIM_FIELDS = Set.of("name", "type", "required", "disclosable", "display");
    private static final int MAX_CLAIMS = 64;

    /** What the body says; fields are null where invalid (and the reader holds the violations). */
    record Definition(String id, Map<String, String> name, Map<String, String> description, List<ClaimDefinition> claims,
            Integer validityDays, Map<String, String> display) {
    }

    private TypeDefinitionReader() {
    }

    static Definition read(JsonNode body, boolean idInBody) {
        Body read = Body.reading();
        if (!read.object(body, "", FIELDS)) {
            read.check();
        }
        String id = idInBody ? read.string(body, "", "id", true, TYPE_ID,
                "3-64 characters: a lowercase letter, then lowercase letters, digits or _") : null;
        if (!idInBody && body.has("id")) {
            read.violation("id", "unknown_field", "the type id is in the path and cannot change");
        }
        Map<String, String> name = read.localized(body, "", "name", true, 100);
        Map<String, String> description = read.localized(body, "", "description", false, 1000);
        Integer validity = read.integer(body, "", "validity_days", true, 1, 36500);
        Map<String, String> display = new LinkedHashMap<>(Map.of("background_color", "#1E5AA8", "text_color", "#FFFFFF"));
        JsonNode displayNode = body.get("display");
        if (displayNode != null && !displayNode.isNull() && read.object(displayNode, "display",
                Set.of("background_color", "text_color"))) {
            for (String key : List.of("background_color", "text_color")) {
                String color = read.string(displayNode, "display", key, false, COLOR, "a colour as #RRGGBB");
                if (color != null) {
                    display.put(key, color);
                }
            }
        }
        List<ClaimDefinition> claims = new ArrayList<>();
        JsonNode claimsNode = body.get("claims");
        if (claimsNode == null || !claimsNode.isArray() || claimsNode.isEmpty() || claimsNode.size() > MAX_CLAIMS) {
            read.violation("claims", "required", "a list of 1-" + MAX_CLAIMS + " claim definitions is required");
        } else {
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < claimsNode.size(); i++) {
                String path = "claims[" + i + "]";
                JsonNode claim = claimsNode.get(i);
                if (!read.object(claim, path, CLAIM_FIELDS)) {
                    continue;
                }
                String claimName = read.string(claim, path, "name", true, CLAIM_NAME,
                        "1-64 characters: a lowercase letter, then lowercase letters, digits or _");
                if (claimName != null && CredentialRequest.RESERVED.contains(claimName)) {
                    read.violation(path + ".name", "reserved", "is a registered claim of SD-JWT VC");
                    claimName = null;
                }
                if (claimName != null && !seen.add(claimName)) {
                    read.violation(path + ".name", "duplicate", "another claim has this name");
                }
                String type = read.string(claim, path, "type", true, null, null);
                if (type != null && !CLAIM_TYPES.contains(type)) {
                    read.violation(path + ".type", "invalid_value", "one of " + new java.util.TreeSet<>(CLAIM_TYPES));
                    type = null;
                }
                Boolean required = read.bool(claim, path, "required");
                Boolean disclosable = read.bool(claim, path, "disclosable");
                Map<String, String> display1 = read.localized(claim, path, "display", true, 100);
                if (claimName != null && type != null && display1 != null) {
                    claims.add(new ClaimDefinition(claimName, type, required == null || required,
                            disclosable == null || disclosable, display1));
                }
            }
        }
        read.check();
        return new Definition(id, name, description, claims, validity, display);
    }
}
