package org.civicstack.identity.audit.web;

import java.time.Instant;
import java.util.List;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.civicstack.identity.audit.views.AuditViews;
import org.civicstack.identity.session.SessionsController;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The citizen's own trail ("who used my data"): the same audit log the security teams read, filtered to the calling
 * citizen and to what a person means by activity — sign-ins, raised levels, each agency service that received an
 * assertion of their identity (and at what level), sign-outs and revocations — newest first. A live session's
 * entries say so, so the app can offer "end this session" (DELETE /v1/identity/me/sessions/{sid}).
 */
@RestController
@RequestMapping("/v1/identity/me/activity")
@Tag(name = "Sessions", description = "The signed-in citizen's own sessions (sign-ins of the citizen app)")
public class CitizenActivityController {

    static final int MAX_LIMIT = 100;

    private final AuditViews views;

    public CitizenActivityController(AuditViews views) {
        this.views = views;
    }

    @Schema(name = "CitizenActivity", description = "One thing that happened to the citizen's identity")
    public record ActivityView(
            @Schema(description = "when (RFC 3339)") Instant at,
            @Schema(description = "what: `signed_in`, `sign_in_failed`, `level_raised`, `identity_shared` "
                    + "(an agency service received an assertion of who you are), `signed_out`, "
                    + "`session_revoked` (a reused refresh token ended it), `revoked`") String type,
            @Schema(description = "the agency service, for `identity_shared`", nullable = true) String service,
            @Schema(description = "the agency, for `identity_shared`", nullable = true) String agencyId,
            @Schema(description = "the app or client involved", nullable = true) String clientId,
            @Schema(description = "assurance level (acr) involved, e.g. urn:civicstack:acr:2", nullable = true)
            String level,
            @Schema(description = "the session (sign-in) it belongs to", nullable = true) String sid,
            @Schema(description = "true while that session is live and can be ended") boolean sessionLive,
            @Schema(description = "why, for failures and endings", nullable = true) String reason) {
    }

    @Schema(name = "CitizenActivityPage")
    public record ActivityPage(List<ActivityView> data, String nextCursor) {
    }

    @Operation(summary = "My activity", description = "Who used my identity, when, at what level — newest first, "
            + "cursor pagination (limit ≤ " + MAX_LIMIT + ").")
    @SecurityRequirement(name = "oauth2")
    @GetMapping
    public ActivityPage activity(@AuthenticationPrincipal Jwt token,
            @RequestParam(name = "limit", defaultValue = "20") int limit,
            @RequestParam(name = "cursor", required = false) String cursor) {
        String citizen = SessionsController.citizenOf(token).toString();
        if (limit < 1 || limit > MAX_LIMIT) {
            throw AuditController.badRequest("limit", "limit is 1.." + MAX_LIMIT);
        }
        Long before = cursor == null ? null : AuditController.decodeCursor(cursor);
        List<AuditViews.Activity> found = views.citizenActivity(citizen, before, limit + 1);
        List<AuditViews.Activity> page = found.size() > limit ? found.subList(0, limit) : found;
        String next = found.size() > limit ? AuditController.encodeCursor(page.get(page.size() - 1).index()) : null;
        return new ActivityPage(page.stream().map(CitizenActivityController::view).toList(), next);
    }

    private static ActivityView view(AuditViews.Activity activity) {
        return new ActivityView(activity.at(), type(activity.kind()), activity.service(), activity.agencyId(),
                activity.clientId(), activity.acr(), activity.sid(), activity.sessionLive(), activity.reason());
    }

    /** The log's kinds in a citizen's words. */
    static String type(String kind) {
        return switch (kind) {
            case "login_succeeded" -> "signed_in";
            case "login_failed" -> "sign_in_failed";
            case "assurance_raised" -> "level_raised";
            case "token_exchanged" -> "identity_shared";
            case "session_ended" -> "signed_out";
            case "family_revoked", "refresh_reuse_detected" -> "session_revoked";
            default -> "revoked";
        };
    }
}
