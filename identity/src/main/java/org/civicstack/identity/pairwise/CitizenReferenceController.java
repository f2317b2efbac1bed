package org.civicstack.identity.pairwise;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.civicstack.identity.citizen.CitizenId;
import org.civicstack.identity.clients.AgencyId;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.FieldViolation;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /v1/identity/citizen-references/resolve}: a platform service (payments, certificates) that received a
 * citizen's pairwise subject from an agency learns which citizen it is. The answer is the citizen's platform
 * reference: the same value as the {@code sub} of the citizen's own access tokens, so the service can match it to
 * what the citizen does in the app. Only platform clients get it (they already see it in citizen tokens); agencies
 * never do. Scope {@code identity:resolve}, client type {@code platform}.
 */
@RestController
@Tag(name = "citizen-references", description = "Resolving an agency's pairwise citizen subject (platform services)")
class CitizenReferenceController {

    static final String PATH = "/v1/identity/citizen-references/resolve";
    private static final Set<String> FIELDS = Set.of("agency_id", "subject");

    private final PairwiseSubjects pairwise;

    CitizenReferenceController(PairwiseSubjects pairwise) {
        this.pairwise = pairwise;
    }

    /** The request body. */
    @Schema(name = "ResolveCitizenReferenceRequest", additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
    record ResolveRequest(
            @Schema(description = "The agency that gave out the subject", example = "agy_health_commission",
                    requiredMode = Schema.RequiredMode.REQUIRED) String agency_id,
            @Schema(description = "The pairwise subject (`sub`) that agency received for the citizen",
                    requiredMode = Schema.RequiredMode.REQUIRED) String subject) {
    }

    /** The answer. */
    @Schema(name = "CitizenReference")
    record CitizenReference(
            @Schema(description = "The citizen's platform reference: the `sub` of the citizen's own access tokens",
                    requiredMode = Schema.RequiredMode.REQUIRED) String citizen_ref,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String agency_id,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String subject) {
    }

    @PostMapping(path = PATH, consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "resolveCitizenReference", summary = "Resolve an agency's pairwise subject to a citizen reference",
            security = @SecurityRequirement(name = "oauth2", scopes = "identity:resolve"),
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(schema = @Schema(implementation = ResolveRequest.class))),
            responses = {
                    @ApiResponse(responseCode = "200", description = "The citizen",
                            content = @Content(schema = @Schema(implementation = CitizenReference.class))),
                    @ApiResponse(responseCode = "400", description = "`validation_failed`: fields missing, malformed or unknown",
                            content = @Content(mediaType = "application/problem+json")),
                    @ApiResponse(responseCode = "401", description = "No or invalid access token",
                            content = @Content(mediaType = "application/problem+json")),
                    @ApiResponse(responseCode = "403", description = "Not a platform client holding identity:resolve",
                            content = @Content(mediaType = "application/problem+json")),
                    @ApiResponse(responseCode = "404", description = "`unknown_subject`: that agency was given no such subject",
                            content = @Content(mediaType = "application/problem+json"))})
    CitizenReference resolve(@RequestBody Map<String, Object> body, @AuthenticationPrincipal Jwt caller) {
        if (!"platform".equals(caller.getClaimAsString("client_type"))) {
            throw new ApiProblem(403, "platform_clients_only", "Forbidden",
                    "Only platform services resolve citizen references.");
        }
        List<FieldViolation> violations = new ArrayList<>();
        for (String field : new java.util.TreeSet<>(body.keySet())) {
            if (!FIELDS.contains(field)) {
                violations.add(new FieldViolation(field, "unknown_field", "is not a field of this request"));
            }
        }
        AgencyId agency = null;
        Object agencyValue = body.get("agency_id");
        if (!(agencyValue instanceof String text) || text.isBlank()) {
            violations.add(new FieldViolation("agency_id", "required", "an agency id (agy_…) is required"));
        } else {
            try {
                agency = new AgencyId(text);
            } catch (IllegalArgumentException e) {
                violations.add(new FieldViolation("agency_id", "invalid_format",
                        "must be 'agy_' followed by 1-96 URL-safe characters"));
            }
        }
        Object subjectValue = body.get("subject");
        String subject = null;
        if (!(subjectValue instanceof String text) || text.isBlank()) {
            violations.add(new FieldViolation("subject", "required", "the agency's subject for the citizen is required"));
        } else if (!JdbcPairwiseSubjects.SUBJECT_FORMAT.matcher(text).matches()) {
            violations.add(new FieldViolation("subject", "invalid_format", "is not a subject identity gives out"));
        } else {
            subject = text;
        }
        if (!violations.isEmpty()) {
            throw ApiProblem.validation(violations);
        }
        AgencyId resolvedAgency = agency;
        String resolvedSubject = subject;
        CitizenId citizen = pairwise.resolve(agency, subject).orElseThrow(() -> ApiProblem.notFound("unknown_subject",
                "Agency " + resolvedAgency + " was given no such subject."));
        return new CitizenReference(citizen.toString(), resolvedAgency.value(), resolvedSubject);
    }
}
