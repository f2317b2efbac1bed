package org.civicstack.certificates.types;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an issuing agency issues: the claims of its credentials, how long they are valid and how they look.
 *
 * @param id           the type's slug; its {@code vct} is {@code <public base>/v1/certificates/types/<id>}
 * @param issuerAgencyId the only agency that may issue it
 * @param name         {@code {"zh-CN": …, "en": …}}
 * @param validityDays the longest a credential of the type is valid
 * @param display      how the wallet draws it ({@code background_color}, {@code text_color})
 */
public record CredentialType(String id, String issuerAgencyId, Map<String, String> name, Map<String, String> description,
        List<ClaimDefinition> claims, int validityDays, Map<String, String> display, String status, int version,
        Instant createdAt, Instant updatedAt) {

    public CredentialType {
        name = Map.copyOf(name);
        description = description == null ? Map.of() : Map.copyOf(description);
        claims = List.copyOf(claims);
        display = display == null ? Map.of() : Map.copyOf(display);
    }

    public Optional<ClaimDefinition> claim(String claimName) {
        return claims.stream().filter(c -> c.name().equals(claimName)).findFirst();
    }

    public boolean active() {
        return "active".equals(status);
    }

    public String vct(String publicBase) {
        return publicBase + "/v1/certificates/types/" + id;
    }
}
