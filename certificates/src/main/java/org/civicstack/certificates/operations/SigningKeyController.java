package org.civicstack.certificates.operations;

import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.civicstack.certificates.common.Scopes;
import org.civicstack.certificates.keys.CredentialSigningKeys;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.security.PlatformCaller;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Operators rotate the credential signing key ({@code certificates:operate}): new credentials and status lists are
 * signed with the new key at once; the old one stays in the JWKS, so what it signed keeps verifying, until retired.
 */
@RestController
@RequestMapping("/v1/certificates/operations/signing-keys")
@Tag(name = "operations", description = "Credential signing keys (operators)")
public class SigningKeyController {

    private final CredentialSigningKeys keys;

    public SigningKeyController(CredentialSigningKeys keys) {
        this.keys = keys;
    }

    @PostMapping("/rotate")
    @Operation(operationId = "rotateCredentialSigningKey", summary = "Make a new signing key current; the previous stays published")
    public Mono<Map<String, Object>> rotate() {
        return PlatformCaller.withScope(Scopes.OPERATE)
                .flatMap(caller -> Mono.fromCallable(keys::rotate).subscribeOn(Schedulers.boundedElastic()))
                .map(key -> Map.of("current_key_id", key.keyId(), "jwks", keys.verificationKeys().toJSONObject(true)));
    }

    @PostMapping("/{kid}/retire")
    @Operation(operationId = "retireCredentialSigningKey", summary = "Remove an earlier key from the JWKS: what it signed stops verifying")
    public Mono<Map<String, Object>> retire(@PathVariable String kid) {
        return PlatformCaller.withScope(Scopes.OPERATE)
                .flatMap(caller -> Mono.fromRunnable(() -> keys.retire(kid)).subscribeOn(Schedulers.boundedElastic())
                        .onErrorMap(IllegalArgumentException.class, e -> ApiProblem.conflict("not_retirable", e.getMessage())))
                .then(Mono.fromCallable(() -> Map.<String, Object>of("current_key_id", keys.current().keyId(),
                        "jwks", keys.verificationKeys().toJSONObject(true))));
    }
}
