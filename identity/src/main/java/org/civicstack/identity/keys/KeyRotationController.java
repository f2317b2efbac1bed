package org.civicstack.identity.keys;

import java.time.Instant;
import java.util.List;

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
     * Publishes a new signing key in each series now; each signs from its {@code activates_at} (publish-ahead
     * later). While a series already has a new key waiting to sign, asking again creates nothing there and answers
     * that key; 202 when any key was created, 200 when none was.
     */
    @Operation(operationId = "rotateSigningKey", summary = "Rotate the token signing keys (operators)",
            description = "Publishes a new key of each series (`tokens`: EdDSA for access and ID tokens; "
                    + "`agency_assertions`: PS256 for token-exchange assertions) in the JWKS at once; each starts "
                    + "signing at its `activates_at`. A previous key stays published until the last token it signed "
                    + "has expired. Idempotent while new keys are pending: those keys are answered with "
                    + "`created: false`, and the status is 200 when nothing was created.")
    @ApiResponse(responseCode = "202", description = "New keys were published and will sign from activates_at")
    @ApiResponse(responseCode = "200", description = "New keys were already pending; nothing was created")
    @SecurityRequirement(name = "oauth2", scopes = "identity:keys")
    @PostMapping(value = "/rotation", produces = MediaType.APPLICATION_JSON_VALUE)
    public ResponseEntity<KeyRotationResponse> rotate(@AuthenticationPrincipal Jwt token) {
        requireOperatorWithScope(token);
        List<RotatedKey> keys = rotation.rotate(KeyRotation.Trigger.OPERATOR,
                        "client:" + token.getClaimAsString("client_id")).stream()
                .map(outcome -> new RotatedKey(outcome.series().wireName(), outcome.key().kid(),
                        outcome.key().algorithm(), outcome.key().generation(), outcome.key().activatesAt(),
                        outcome.signingKid(), outcome.created()))
                .toList();
        boolean created = keys.stream().anyMatch(RotatedKey::created);
        return ResponseEntity.status(created ? HttpStatus.ACCEPTED : HttpStatus.OK)
                .body(new KeyRotationResponse(created, keys));
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
     * @param created whether this request created any key
     * @param keys the newest key of each series
     */
    public record KeyRotationResponse(boolean created, List<RotatedKey> keys) {
    }

    /**
     * @param series {@code tokens} or {@code agency_assertions}
     * @param kid the id of the newest key of the series (the new one, or the one already pending)
     * @param algorithm its JWS algorithm
     * @param generation its place in the sequence of keys of the series
     * @param activatesAt when it starts signing
     * @param signingKid the key of the series signing now
     * @param created whether this request created the key
     */
    public record RotatedKey(String series, String kid, String algorithm, long generation, Instant activatesAt,
            String signingKid, boolean created) {
    }
}
