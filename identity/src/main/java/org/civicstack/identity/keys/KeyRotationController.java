package org.civicstack.identity.keys;

import java.time.Instant;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import org.civicstack.identity.clients.ClientType;
import org.civicstack.identity.clients.PlatformScope;
import org.civicstack.platform.error.ApiProblem;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** Operators rotate the token signing key on demand ({@code identity:keys}); docs/identity-keys.md. */
@RestController
@RequestMapping("/v1/identity/keys")
public class KeyRotationController {

    private final KeyRotation rotation;

    public KeyRotationController(KeyRotation rotation) {
        this.rotation = rotation;
    }

    /**
     * Publishes a new signing key now; it signs from {@code activates_at} (publish-ahead later). While a new key is
     * still waiting to sign, asking again creates nothing and answers that key (200 instead of 202).
     */
    @Operation(operationId = "rotateSigningKey", summary = "Rotate the token signing key (operators)",
            description = "Publishes a new key in the JWKS at once; it starts signing at `activates_at`. "
                    + "The previous key stays published until the last token it signed has expired. Idempotent "
                    + "while a new key is pending: that key is answered with 200 and `created: false`.")
    @ApiResponse(responseCode = "202", description = "A new key was published and will sign from activates_at")
    @ApiResponse(responseCode = "200", description = "A new key was already pending; nothing was created")
    @SecurityRequirement(name = "oauth2", scopes = "identity:keys")
    @PostMapping(value = "/rotation", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<KeyRotationResponse> rotate(@AuthenticationPrincipal Jwt token) {
        requireOperatorWithScope(token);
        KeyRotation.Outcome outcome = rotation.rotate(KeyRotation.Trigger.OPERATOR);
        KeyRotationResponse body = new KeyRotationResponse(outcome.key().kid(), outcome.key().algorithm(),
                outcome.key().generation(), outcome.key().activatesAt(), outcome.signingKid(), outcome.created());
        return ResponseEntity.status(outcome.created() ? HttpStatus.ACCEPTED : HttpStatus.OK).body(body);
    }

    static void requireOperatorWithScope(Jwt token) {
        String scope = token == null ? null : token.getClaimAsString("scope");
        boolean hasScope = scope != null && java.util.Arrays.asList(scope.split(" "))
                .contains(PlatformScope.IDENTITY_KEYS.value());
        if (!hasScope || !ClientType.OPERATOR.claimValue().equals(token.getClaimAsString("client_type"))) {
            throw new ApiProblem(403, "insufficient_scope", "Forbidden",
                    "Rotating the signing key needs an operator token with the scope identity:keys.");
        }
    }

    /**
     * @param kid the id of the newest key (the new one, or the one already pending)
     * @param algorithm its JWS algorithm
     * @param generation its place in the sequence of keys
     * @param activatesAt when it starts signing
     * @param signingKid the key signing now
     * @param created whether this request created the key
     */
    public record KeyRotationResponse(String kid, String algorithm, long generation, Instant activatesAt,
            String signingKid, boolean created) {
    }
}
