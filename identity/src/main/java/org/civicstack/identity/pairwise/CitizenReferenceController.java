package org.civicstack.identity.pairwise;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.civicstack.identity.assurance.AssuranceLevel;
import org.civicstack.identity.assurance.residentid.ResidentIdNumber;
import org.civicstack.identity.assurance.verification.IdNumberHasher;
import org.civicstack.identity.assurance.verification.IdentityVerifications;
import org.civicstack.identity.citizen.CitizenAccounts;
import org.civicstack.identity.citizen.CitizenId;
import org.civicstack.identity.pairwise.CitizenQuery.ByResidentIdNumber;
import org.civicstack.identity.pairwise.CitizenQuery.BySubject;
import org.civicstack.identity.pairwise.PairwiseSubjects.AgencySubject;
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
 *
 * <p>{@code POST /v1/identity/citizen-references/resolve-batch} answers up to {@value #MAX_ITEMS} such questions in
 * one call (certificates' bulk issuance): each item is validated exactly as a single request ({@link CitizenQuery}),
 * one invalid item refuses the whole batch, and every subject item is looked up in one statement
 * ({@link PairwiseSubjects#resolveAll}). A citizen not found is an answer in the batch, not an error.
 */
@RestController
@Tag(name = "citizen-references", description = "Resolving an agency's pairwise citizen subject, or a resident ID number, "
        + "to a citizen reference (platform services)")
class CitizenReferenceController {

    static final String PATH = "/v1/identity/citizen-references/resolve";
    static final String BATCH_PATH = "/v1/identity/citizen-references/resolve-batch";
    static final int MAX_ITEMS = 1000;
    private static final String ITEMS = "items";

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
    @Schema(name = "CitizenReference", additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
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
        requirePlatformClient(caller);
        List<FieldViolation> violations = new ArrayList<>();
        CitizenQuery query = CitizenQuery.parse(body, "", violations);
        if (!violations.isEmpty()) {
            throw ApiProblem.validation(violations);
        }
        if (query instanceof BySubject bySubject) {
            AgencySubject asked = bySubject.subject();
            return pairwise.resolve(asked.agency(), asked.subject())
                    .map(citizen -> reference(citizen, asked))
                    .orElseThrow(() -> ApiProblem.notFound(Unresolved.UNKNOWN_SUBJECT.error(),
                            "Agency " + asked.agency() + " was given no such subject."));
        }
        return byResidentIdNumber(((ByResidentIdNumber) query).number())
                .orElseThrow(() -> ApiProblem.notFound(Unresolved.UNKNOWN_CITIZEN.error(),
                        "No account is verified (level 2 or higher) with that resident ID number."));
    }

    /** The batch request body: the items, each one single request's body. */
    @Schema(name = "ResolveCitizenReferencesRequest", additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
    record ResolveBatchRequest(
            @ArraySchema(schema = @Schema(implementation = ResolveRequest.class), minItems = 1, maxItems = MAX_ITEMS,
                    arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                            description = "1 to " + MAX_ITEMS + " citizens, each named as in a single resolve "
                                    + "request"))
            List<ResolveRequest> items) {
    }

    /** A batch item whose citizen was not found: a normal answer in a batch, where the single form says 404. */
    @Schema(name = "UnresolvedCitizenReference", additionalProperties = Schema.AdditionalPropertiesValue.FALSE)
    record Unresolved(
            @Schema(description = "`unknown_subject`: that agency was given no such subject; `unknown_citizen`: no "
                    + "account is verified (level 2 or higher) with that resident ID number",
                    requiredMode = Schema.RequiredMode.REQUIRED,
                    allowableValues = {"unknown_subject", "unknown_citizen"}) String error) {

        static final Unresolved UNKNOWN_SUBJECT = new Unresolved("unknown_subject");
        static final Unresolved UNKNOWN_CITIZEN = new Unresolved("unknown_citizen");
    }

    /** The batch answer: one element per item, in the order of the items. */
    @Schema(name = "CitizenReferences")
    record CitizenReferences(
            @ArraySchema(schema = @Schema(oneOf = {CitizenReference.class, Unresolved.class}),
                    arraySchema = @Schema(requiredMode = Schema.RequiredMode.REQUIRED,
                            description = "Exactly one answer per item, in the order of the items: the citizen "
                                    + "(as the single form answers it) or `{\"error\": …}`"))
            List<Object> data) {
    }

    @PostMapping(path = BATCH_PATH, consumes = MediaType.APPLICATION_JSON_VALUE,
            produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "resolveCitizenReferences",
            summary = "Resolve up to " + MAX_ITEMS + " pairwise subjects or resident ID numbers at once",
            description = "Each item is one single resolve request body, either form, validated the same way; one "
                    + "invalid item refuses the whole batch (400, every violation named `items[i].<field>`). The "
                    + "answer has exactly one element per item, in order: the citizen reference as the single form "
                    + "answers it, or `{\"error\": \"unknown_subject\"}` / `{\"error\": \"unknown_citizen\"}` "
                    + "where the single form would answer 404.",
            security = @SecurityRequirement(name = "oauth2", scopes = "identity:resolve"),
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(schema = @Schema(implementation = ResolveBatchRequest.class))),
            responses = {
                    @ApiResponse(responseCode = "200", description = "One answer per item, in order",
                            content = @Content(schema = @Schema(implementation = CitizenReferences.class))),
                    @ApiResponse(responseCode = "400", description = "`validation_failed`: `items` missing, not an "
                            + "array, empty or longer than " + MAX_ITEMS + " (`too_many`), an unknown field, or an "
                            + "item that a single request would refuse (`items[i].<field>`); nothing is answered",
                            content = @Content(mediaType = "application/problem+json")),
                    @ApiResponse(responseCode = "401", description = "No or invalid access token",
                            content = @Content(mediaType = "application/problem+json")),
                    @ApiResponse(responseCode = "403", description = "Not a platform client holding identity:resolve",
                            content = @Content(mediaType = "application/problem+json"))})
    CitizenReferences resolveBatch(@RequestBody Map<String, Object> body, @AuthenticationPrincipal Jwt caller) {
        requirePlatformClient(caller);
        List<CitizenQuery> queries = parseBatch(body);
        Map<AgencySubject, CitizenId> bySubject = pairwise.resolveAll(queries.stream()
                .filter(BySubject.class::isInstance)
                .map(query -> ((BySubject) query).subject())
                .toList());
        List<Object> data = new ArrayList<>(queries.size());
        for (CitizenQuery query : queries) {
            if (query instanceof BySubject subjectQuery) {
                AgencySubject asked = subjectQuery.subject();
                CitizenId citizen = bySubject.get(asked);
                data.add(citizen == null ? Unresolved.UNKNOWN_SUBJECT : reference(citizen, asked));
            } else {
                // rare (certificates naming citizens by number); one hash lookup and one level read per item
                Optional<CitizenReference> citizen = byResidentIdNumber(((ByResidentIdNumber) query).number());
                data.add(citizen.isPresent() ? citizen.get() : Unresolved.UNKNOWN_CITIZEN);
            }
        }
        return new CitizenReferences(data);
    }

    /** The batch's items as queries, or a validation problem naming every invalid field of the whole request. */
    private static List<CitizenQuery> parseBatch(Map<String, Object> body) {
        List<FieldViolation> violations = new ArrayList<>();
        for (String field : new TreeSet<>(body.keySet())) {
            if (!ITEMS.equals(field)) {
                violations.add(new FieldViolation(field, "unknown_field", "is not a field of this request"));
            }
        }
        List<CitizenQuery> queries = new ArrayList<>();
        Object items = body.get(ITEMS);
        if (items == null) {
            violations.add(new FieldViolation(ITEMS, "required", "a list of 1 to " + MAX_ITEMS + " items is required"));
        } else if (!(items instanceof List<?> list)) {
            violations.add(new FieldViolation(ITEMS, "invalid_type", "must be an array of 1 to " + MAX_ITEMS
                    + " items"));
        } else if (list.isEmpty()) {
            violations.add(new FieldViolation(ITEMS, "invalid_size", "must hold 1 to " + MAX_ITEMS + " items"));
        } else if (list.size() > MAX_ITEMS) {
            violations.add(new FieldViolation(ITEMS, "too_many", "at most " + MAX_ITEMS + " items per request, got "
                    + list.size() + "; split the batch"));
        } else {
            for (int i = 0; i < list.size(); i++) {
                String prefix = ITEMS + "[" + i + "]";
                if (list.get(i) instanceof Map<?, ?> item) {
                    @SuppressWarnings("unchecked")
                    Map<String, ?> fields = (Map<String, ?>) item;
                    queries.add(CitizenQuery.parse(fields, prefix + ".", violations));
                } else {
                    violations.add(new FieldViolation(prefix, "invalid_type",
                            "must be an object: agency_id and subject, or resident_id_number"));
                }
            }
        }
        if (!violations.isEmpty()) {
            throw ApiProblem.validation(violations);
        }
        return queries;
    }

    private static void requirePlatformClient(Jwt caller) {
        if (!"platform".equals(caller.getClaimAsString("client_type"))) {
            throw new ApiProblem(403, "platform_clients_only", "Forbidden",
                    "Only platform services resolve citizen references.");
        }
    }

    private static CitizenReference reference(CitizenId citizen, AgencySubject asked) {
        return new CitizenReference(citizen.toString(), asked.agency().value(), asked.subject(), null);
    }

    /**
     * The citizen whose account was verified (level 2 or higher) with this number, with the current level. The
     * number goes nowhere but into the keyed hash: no message, log or store.
     */
    private Optional<CitizenReference> byResidentIdNumber(ResidentIdNumber number) {
        return verifications.ownerOf(idNumbers.hash(number))
                .flatMap(citizen -> {
                    AssuranceLevel level = accounts.currentLevel(citizen);
                    return level.satisfies(AssuranceLevel.IDENTITY_VERIFIED)
                            ? Optional.of(new CitizenReference(citizen.toString(), null, null, level.level()))
                            : Optional.empty();
                });
    }
}
