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
import org.civicstack.identity.assurance.AssuranceLevel;
import org.civicstack.identity.assurance.residentid.InvalidResidentIdNumber;
import org.civicstack.identity.assurance.residentid.ResidentIdNumber;
import org.civicstack.identity.assurance.verification.IdNumberHasher;
import org.civicstack.identity.assurance.verification.IdentityVerifications;
import org.civicstack.identity.citizen.CitizenAccounts;
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
 *
 * <p>Instead of a pairwise subject, a platform service (certificates) may name the citizen by resident ID number: the
 * number is validated (GB 11643), hashed with the same keyed hash as at level 2 ({@link IdNumberHasher}) and looked up
 * among the accounts verified with it; the answer adds the citizen's current assurance level. The number is never
 * echoed, logged or stored here.
 */
@RestController
@Tag(name = "citizen-references", description = "Resolving an agency's pairwise citizen subject, or a resident ID number, "
        + "to a citizen reference (platform services)")
class CitizenReferenceController {

    static final String PATH = "/v1/identity/citizen-references/resolve";
    private static final String RESIDENT_ID_NUMBER = "resident_id_number";
    private static final Set<String> FIELDS = Set.of("agency_id", "subject", RESIDENT_ID_NUMBER);

    private final PairwiseSubjects pairwise;
    private final IdNumberHasher idNumbers;
    private final IdentityVerifications verifications;
    private final CitizenAccounts accounts;

    CitizenReferenceController(PairwiseSubjects pairwise, IdNumberHasher idNumbers,
            IdentityVerifications verifications, CitizenAccounts accounts) {
        this.pairwise = pairwise;
        this.idNumbers = idNumbers;
        this.verifications = verifications;
        this.accounts = accounts;
    }

    /** The request body: either {@code agency_id} and {@code subject}, or {@code resident_id_number} alone. */
    @Schema(name = "ResolveCitizenReferenceRequest", additionalProperties = Schema.AdditionalPropertiesValue.FALSE,
            description = "Exactly one of two forms: `agency_id` and `subject` (an agency's pairwise subject), or "
                    + "`resident_id_number` alone (a citizen verified at level 2 or higher with that number).")
    record ResolveRequest(
            @Schema(description = "Subject form: the agency that gave out the subject",
                    example = "agy_health_commission") String agency_id,
            @Schema(description = "Subject form: the pairwise subject (`sub`) that agency received for the citizen")
            String subject,
            @Schema(description = "Resident ID number form (instead of `agency_id` and `subject`): the citizen's "
                    + "18-character resident identity card number (GB 11643), as verified at level 2",
                    example = "11010519491231002X") String resident_id_number) {
    }

    /** The answer. */
    @Schema(name = "CitizenReference")
    record CitizenReference(
            @Schema(description = "The citizen's platform reference: the `sub` of the citizen's own access tokens",
                    requiredMode = Schema.RequiredMode.REQUIRED) String citizen_ref,
            @Schema(description = "Subject form only: the agency_id asked about") String agency_id,
            @Schema(description = "Subject form only: the subject asked about") String subject,
            @Schema(description = "Resident ID number form only: the citizen's current assurance level (2 or 3); the "
                    + "number itself is not echoed", minimum = "2", maximum = "3") Integer assurance_level) {
    }

    @PostMapping(path = PATH, consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "resolveCitizenReference",
            summary = "Resolve an agency's pairwise subject, or a resident ID number, to a citizen reference",
            description = "Two forms, exactly one per request. `{agency_id, subject}`: the citizen that agency was "
                    + "given that pairwise subject for; the answer echoes both. `{resident_id_number}`: the citizen "
                    + "whose account was verified (level 2 or higher) with that number; the answer carries the "
                    + "citizen's current `assurance_level` and does not echo the number.",
            security = @SecurityRequirement(name = "oauth2", scopes = "identity:resolve"),
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(schema = @Schema(implementation = ResolveRequest.class))),
            responses = {
                    @ApiResponse(responseCode = "200", description = "The citizen",
                            content = @Content(schema = @Schema(implementation = CitizenReference.class))),
                    @ApiResponse(responseCode = "400", description = "`validation_failed`: fields missing, malformed "
                            + "or unknown, both forms at once, or a resident ID number that is not valid (GB 11643)",
                            content = @Content(mediaType = "application/problem+json")),
                    @ApiResponse(responseCode = "401", description = "No or invalid access token",
                            content = @Content(mediaType = "application/problem+json")),
                    @ApiResponse(responseCode = "403", description = "Not a platform client holding identity:resolve",
                            content = @Content(mediaType = "application/problem+json")),
                    @ApiResponse(responseCode = "404", description = "`unknown_subject`: that agency was given no such "
                            + "subject; `unknown_citizen`: no account is verified (level 2 or higher) with that resident "
                            + "ID number",
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
        boolean byNumber = body.containsKey(RESIDENT_ID_NUMBER);
        if (byNumber && (body.containsKey("agency_id") || body.containsKey("subject"))) {
            violations.add(new FieldViolation(RESIDENT_ID_NUMBER, "not_allowed",
                    "give resident_id_number or agency_id and subject, not both"));
            throw ApiProblem.validation(violations);
        }
        if (byNumber) {
            return resolveByResidentIdNumber(body.get(RESIDENT_ID_NUMBER), violations);
        }
        if (!body.containsKey("agency_id") && !body.containsKey("subject")) {
            violations.add(new FieldViolation(RESIDENT_ID_NUMBER, "required",
                    "give agency_id and subject, or resident_id_number instead"));
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
        return new CitizenReference(citizen.toString(), resolvedAgency.value(), resolvedSubject, null);
    }

    /** The resident ID number form. The number goes nowhere but into the keyed hash: no message, log or store. */
    private CitizenReference resolveByResidentIdNumber(Object value, List<FieldViolation> violations) {
        ResidentIdNumber number = null;
        if (!(value instanceof String text) || text.isBlank()) {
            violations.add(new FieldViolation(RESIDENT_ID_NUMBER, "required",
                    "an 18-character resident ID number is required"));
        } else {
            try {
                number = ResidentIdNumber.parse(text);
            } catch (InvalidResidentIdNumber e) {
                violations.add(new FieldViolation(RESIDENT_ID_NUMBER, "invalid_format",
                        "is not a valid resident ID number (GB 11643): " + e.reason().message()));
            }
        }
        if (!violations.isEmpty()) {
            throw ApiProblem.validation(violations);
        }
        return verifications.ownerOf(idNumbers.hash(number))
                .flatMap(citizen -> {
                    AssuranceLevel level = accounts.currentLevel(citizen);
                    return level.satisfies(AssuranceLevel.IDENTITY_VERIFIED)
                            ? java.util.Optional.of(new CitizenReference(citizen.toString(), null, null, level.level()))
                            : java.util.Optional.empty();
                })
                .orElseThrow(() -> ApiProblem.notFound("unknown_citizen",
                        "No account is verified (level 2 or higher) with that resident ID number."));
    }
}
