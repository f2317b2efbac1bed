package org.civicstack.identity.session;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.civicstack.identity.citizen.CitizenId;
import org.civicstack.platform.error.ApiProblem;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/**
 * A citizen's own sign-ins, with a citizen access token: list the live ones and end one (which revokes every token
 * of it). Another citizen's session, or one that does not exist or has ended, is the same 404.
 */
@RestController
@RequestMapping("/v1/identity/me/sessions")
@Tag(name = "Sessions", description = "The signed-in citizen's own sessions (sign-ins of the citizen app)")
public class SessionsController {

    private final CitizenSessions sessions;
    private final TokenFamilies families;
    private final TransactionTemplate transaction;

    public SessionsController(CitizenSessions sessions, TokenFamilies families, TransactionTemplate transaction) {
        this.sessions = sessions;
        this.families = families;
        this.transaction = transaction;
    }

    /** One live session as the citizen sees it. */
    @Schema(name = "CitizenSession", description = "A live sign-in of the citizen")
    public record SessionView(
            @Schema(description = "session id (the sid claim of its tokens)") String sid,
            @Schema(description = "OAuth client the sign-in is for", nullable = true) String clientId,
            @Schema(description = "when the citizen signed in (RFC 3339)") Instant createdAt,
            @Schema(description = "last token refresh (RFC 3339)") Instant lastActiveAt,
            @Schema(description = "when the citizen authenticated (auth_time)") Instant authTime,
            @Schema(description = "how the citizen authenticated (RFC 8176), e.g. sms") List<String> amr,
            @Schema(description = "browser or app at sign-in, as it announced itself", nullable = true) String userAgent,
            @Schema(description = "true for the session of the token making this request") boolean current) {
    }

    /** The list, newest first. */
    @Schema(name = "CitizenSessionList")
    public record SessionList(List<SessionView> sessions) {
    }

    @Operation(summary = "List my live sessions", description = "Newest first; `current` marks the calling token's.")
    @ApiResponse(responseCode = "200", description = "the citizen's live sessions")
    @SecurityRequirement(name = "oauth2")
    @GetMapping
    public SessionList list(@AuthenticationPrincipal Jwt token) {
        CitizenId citizen = citizenOf(token);
        String currentSid = token.getClaimAsString("sid");
        return new SessionList(sessions.live(citizen).stream()
                .map(s -> new SessionView(s.sid().toString(), s.clientId(), s.createdAt(), s.lastActiveAt(),
                        s.authTime(), s.amr(), s.userAgent(), s.sid().toString().equals(currentSid)))
                .toList());
    }

    @Operation(summary = "End one of my sessions",
            description = "Signs that session out everywhere: its access, refresh and ID tokens stop working. "
                    + "A sid that is not one of your live sessions is a 404 problem (code `session_not_found`).")
    @ApiResponse(responseCode = "204", description = "ended")
    @SecurityRequirement(name = "oauth2")
    @DeleteMapping("/{sid}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    public void end(@AuthenticationPrincipal Jwt token, @PathVariable("sid") String sid) {
        CitizenId citizen = citizenOf(token);
        UUID id = parse(sid).orElseThrow(SessionsController::notFound);
        transaction.executeWithoutResult(status -> {
            CitizenSession session = families.lock(id).filter(s -> s.citizen().equals(citizen))
                    .filter(CitizenSession::live).orElseThrow(SessionsController::notFound);
            families.end(citizen, session.sid(), "citizen_ended", token.getClaimAsString("client_id"));
        });
    }

    /**
     * The citizen an access token of the citizen app names; a 403 problem for any other token. Shared by the
     * citizen's own APIs ({@code /v1/identity/me/**}).
     */
    public static CitizenId citizenOf(Jwt token) {
        if (!"citizen_app".equals(token.getClaimAsString("client_type"))) {
            throw new ApiProblem(403, "citizen_token_required", "Citizen token required",
                    "This API is for citizens: use an access token of the citizen app.");
        }
        try {
            return CitizenId.parse(token.getSubject());
        } catch (IllegalArgumentException e) {
            throw new ApiProblem(403, "citizen_token_required", "Citizen token required",
                    "The token does not name a citizen.");
        }
    }

    private static Optional<UUID> parse(String sid) {
        try {
            return sid.length() == 36 ? Optional.of(UUID.fromString(sid)) : Optional.empty();
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static ApiProblem notFound() {
        return new ApiProblem(404, "session_not_found", "Session not found",
                "You have no live session with this id.");
    }
}
