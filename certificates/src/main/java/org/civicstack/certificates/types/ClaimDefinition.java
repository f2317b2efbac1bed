package org.civicstack.certificates.types;

import java.util.Map;

/**
 * One claim of a credential type.
 *
 * @param name        the claim name in the credential ({@code [a-z][a-z0-9_]{0,63}}, not a registered JWT claim)
 * @param type        its JSON type: {@code string}, {@code integer}, {@code number}, {@code boolean} or {@code date}
 *                    (an ISO 8601 calendar date as a string)
 * @param required    whether every credential of the type carries it
 * @param disclosable whether it is a separate SD-JWT disclosure the citizen can choose to share or withhold; a claim
 *                    that is not disclosable is visible to everyone the credential is shown to
 * @param display     its name for people, {@code {"zh-CN": …, "en": …}}
 */
public record ClaimDefinition(String name, String type, boolean required, boolean disclosable, Map<String, String> display) {

    public ClaimDefinition {
        display = Map.copyOf(display);
    }

    public String displayName(String language) {
        return display.getOrDefault(language, display.getOrDefault("en", name));
    }
}
