package org.civicstack.identity.assurance.web;

import java.time.Instant;
import java.util.UUID;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.civicstack.identity.assurance.AssuranceLevel;
import org.civicstack.identity.assurance.verification.AssuranceRefused;
import org.civicstack.identity.assurance.verification.AttemptKind;
import org.civicstack.identity.assurance.verification.AttemptLimiter;
import org.civicstack.identity.assurance.verification.FaceVerificationService;
import org.civicstack.identity.assurance.verification.IdentityVerificationService;
import org.civicstack.identity.assurance.verification.Refusal;
import org.civicstack.identity.citizen.CitizenAccounts;
import org.civicstack.identity.citizen.CitizenId;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * The citizen's own assurance level and how to raise it (citizen app access token). Level 1 comes with the SMS
 * login; level 2 is {@code identity-verification}; level 3 is {@code face-verification}, start then complete. After
 * a raise the app refreshes its tokens: the {@code acr} of a token is the level at issuance.
 */
@Tag(name = "assurance", description = "The citizen's assurance level (acr) and the steps to raise it")
@RestController
@RequestMapping(AssuranceController.BASE)
public class AssuranceController {

    static final String BASE = "/v1/identity/me/assurance";

    @Schema(description = "Level 2: the name and the resident ID number exactly as on the resident identity card")
    public record IdentityVerificationRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "张三", maxLength = 50) String name,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "11010519491231002X",
                    description = "18 characters (GB 11643-1999); lower-case x and full-width digits are accepted")
            String idNumber) {
    }

    @Schema(description = "Level 3 start: the resident ID number verified at level 2 (it is not stored, only its keyed hash)")
    public record FaceVerificationRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "11010519491231002X") String idNumber) {
    }

    @Schema(description = "The step that reaches the next level")
    public record NextStep(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "2") int level,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "urn:civicstack:acr:2") String acr,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"identity_verification", "face_verification"})
            String method,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "Where to POST to take the step")
            String href,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) int attemptsRemaining) {
    }

    @Schema(description = "The citizen's current assurance level")
    public record AssuranceView(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "1", minimum = "1", maximum = "3") int level,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "urn:civicstack:acr:1") String acr,
            @Schema(description = "Absent at level 3") NextStep nextStep) {
    }

    @Schema(description = "A started face verification: run the provider's SDK with it, then complete")
    public record FaceVerificationView(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) UUID verificationId,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "The provider's session id (certify id / biz token)")
            String providerSession,
            @Schema(description = "The provider SDK token, when the provider issues one") String sdkToken,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Instant expiresAt,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, description = "Where to POST once the capture is done")
            String completeHref) {
    }

    private final CitizenCaller callers;
    private final CitizenAccounts accounts;
    private final AttemptLimiter limiter;
    private final IdentityVerificationService identity;
    private final FaceVerificationService face;

    public AssuranceController(CitizenCaller callers, CitizenAccounts accounts, AttemptLimiter limiter,
            IdentityVerificationService identity, FaceVerificationService face) {
        this.callers = callers;
        this.accounts = accounts;
        this.limiter = limiter;
        this.identity = identity;
        this.face = face;
    }

    @Operation(summary = "The citizen's assurance level and what the next level needs")
    @GetMapping
    public AssuranceView current(@Parameter(hidden = true) @AuthenticationPrincipal Jwt token) {
        return view(callers.require(token));
    }

    @Operation(summary = "Verify name + resident ID number with the real-name authority (level 2)",
            description = "Problems: 400 `invalid_name`, `invalid_id_number` (errors[0].code: wrong_length, "
                    + "legacy_15_digit, bad_characters, bad_region, bad_birth_date, bad_check_character); 409 "
                    + "`already_verified`, `already_bound` (the number is verified for another account), "
                    + "`verification_in_progress`; 422 `identity_mismatch`; 429 `rate_limited`; 503 "
                    + "`authority_unavailable`.")
    @PostMapping("/identity-verification")
    public AssuranceView verifyIdentity(@Parameter(hidden = true) @AuthenticationPrincipal Jwt token,
            @RequestBody IdentityVerificationRequest request) {
        CitizenId citizen = callers.require(token);
        identity.verify(citizen, request.name(), request.idNumber());
        return view(citizen);
    }

    @Operation(summary = "Start a face verification (level 3; needs level 2)",
            description = "Problems: 400 `invalid_id_number`; 403 `level_2_required`; 409 `already_verified`, "
                    + "`verification_in_progress`; 422 `id_number_mismatch`; 429 `rate_limited`; 503 "
                    + "`face_provider_unavailable`.")
    @PostMapping("/face-verification")
    @ResponseStatus(HttpStatus.CREATED)
    public FaceVerificationView startFace(@Parameter(hidden = true) @AuthenticationPrincipal Jwt token,
            @RequestBody FaceVerificationRequest request) {
        CitizenId citizen = callers.require(token);
        FaceVerificationService.FaceSession session = face.start(citizen, request.idNumber());
        return new FaceVerificationView(session.verificationId(), session.providerSession(), session.sdkToken(),
                session.expiresAt(), BASE + "/face-verification/" + session.verificationId() + "/complete");
    }

    @Operation(summary = "Complete a face verification: ask the provider for the result (level 3)",
            description = "Problems: 404 `face_verification_not_found`; 409 `face_verification_pending` (with "
                    + "Retry-After), `face_verification_expired`, `face_verification_closed`; 422 `face_mismatch` "
                    + "(errors[0].code: liveness_failed, below_threshold); 503 `face_provider_unavailable`.")
    @PostMapping("/face-verification/{verificationId}/complete")
    public AssuranceView completeFace(@Parameter(hidden = true) @AuthenticationPrincipal Jwt token,
            @PathVariable String verificationId) {
        CitizenId citizen = callers.require(token);
        UUID id;
        try {
            id = UUID.fromString(verificationId);
        } catch (IllegalArgumentException e) {
            throw AssuranceRefused.of(Refusal.FACE_VERIFICATION_NOT_FOUND,
                    "This account has no face verification with this id.");
        }
        face.complete(citizen, id);
        return view(citizen);
    }

    private AssuranceView view(CitizenId citizen) {
        AssuranceLevel level = accounts.currentLevel(citizen);
        NextStep next = switch (level) {
            case PHONE_VERIFIED -> new NextStep(2, AssuranceLevel.IDENTITY_VERIFIED.acr(), "identity_verification",
                    BASE + "/identity-verification", limiter.remaining(citizen, AttemptKind.REALNAME));
            case IDENTITY_VERIFIED -> new NextStep(3, AssuranceLevel.FACE_VERIFIED.acr(), "face_verification",
                    BASE + "/face-verification", limiter.remaining(citizen, AttemptKind.FACE));
            case FACE_VERIFIED -> null;
        };
        return new AssuranceView(level.level(), level.acr(), next);
    }
}
