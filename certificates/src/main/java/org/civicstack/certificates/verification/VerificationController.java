package org.civicstack.certificates.verification;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.civicstack.certificates.accesslog.AccessLog;
import org.civicstack.certificates.common.Body;
import org.civicstack.certificates.common.Scopes;
import org.civicstack.certificates.issuance.CredentialStore;
import org.civicstack.certificates.wallet.HolderPresentations;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.security.PlatformCaller;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Agencies verify (certificates:verify): a presentation they received (with the nonce they were given), or a
 * citizen's QR token scanned in person. Either way the answer is the disclosed claims and the credential's validity,
 * or a 422 problem naming why it failed; each success is in the citizen's access log.
 */
@RestController
@Tag(name = "verification", description = "Verifying presentations and QR tokens (agencies)")
public class VerificationController {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final OnlineVerifier verifier;
    private final QrTokens qrTokens;
    private final CredentialStore credentials;
    private final HolderPresentations presentations;
    private final AccessLog accessLog;
    private final java.time.Clock clock;
    private final org.springframework.transaction.reactive.TransactionalOperator tx;

    public VerificationController(OnlineVerifier verifier, QrTokens qrTokens, CredentialStore credentials,
            HolderPresentations presentations, AccessLog accessLog, java.time.Clock clock,
            org.springframework.transaction.reactive.TransactionalOperator tx) {
        this.tx = tx;
        this.verifier = verifier;
        this.qrTokens = qrTokens;
        this.credentials = credentials;
        this.presentations = presentations;
        this.accessLog = accessLog;
        this.clock = clock;
    }

    @PostMapping("/v1/certificates/verifications")
    @Operation(operationId = "verifyPresentation", summary = "Verify an SD-JWT presentation made for this agency (aud) with a nonce it issued; each nonce verifies once")
    public Mono<Map<String, Object>> verify(@RequestBody JsonNode body) {
        return PlatformCaller.agency(Scopes.VERIFY).flatMap(caller -> {
            Body read = Body.reading();
            if (!read.object(body, "", Set.of("presentation", "nonce"))) {
                read.check();
            }
            String presentation = read.string(body, "", "presentation", true, null, null);
            String nonce = read.string(body, "", "nonce", true, null, null);
            if (presentation != null && (presentation.isBlank() || presentation.length() > 64 * 1024)) {
                read.violation("presentation", "invalid_length", "1 to 65536 characters");
            }
            if (nonce != null && (nonce.isBlank() || nonce.length() > 256)) {
                read.violation("nonce", "invalid_length", "1 to 256 characters");
            }
            read.check();
            String agency = caller.requireAgency();
            return verifier.verify(presentation, agency, nonce, true)
                    .flatMap(outcome -> (outcome.credentialId() == null ? Mono.<Void>empty()
                            : accessLog.record(outcome.credentialId(), outcome.citizenRef(), "verified", agency,
                                    caller.clientId(), outcome.credential().disclosed().stream().sorted().toList(),
                                    null, null, null, clock.instant()))
                            .thenReturn(verifier.view(outcome)))
                    // the nonce and the access log entry: one commit
                    .as(tx::transactional);
        });
    }

    @PostMapping("/v1/certificates/qr-verifications")
    @Operation(operationId = "verifyQrToken", summary = "Redeem a citizen's single-use QR token: the claims they chose to show and the credential's validity")
    public Mono<Map<String, Object>> verifyQr(@RequestBody JsonNode body) {
        return PlatformCaller.agency(Scopes.VERIFY).flatMap(caller -> {
            Body read = Body.reading();
            if (!read.object(body, "", Set.of("token"))) {
                read.check();
            }
            String token = read.string(body, "", "token", true, java.util.regex.Pattern.compile("csqr_[A-Za-z0-9_-]{43}"),
                    "is not a QR token of this platform");
            read.check();
            String agency = caller.requireAgency();
            return qrTokens.redeem(token, agency)
                    .onErrorMap(QrTokens.RefusedException.class, e -> switch (e.refusal()) {
                        case UNKNOWN -> ApiProblem.notFound("unknown_qr_token", "No such QR token.");
                        case USED -> ApiProblem.conflict("qr_token_used", "This QR token was used already; ask for a new one.");
                        case EXPIRED -> new ApiProblem(410, "qr_token_expired", "Gone", "This QR token has expired; ask for a new one.");
                    })
                    .flatMap(redeemed -> credentials.find(redeemed.credentialId()).flatMap(credential -> {
                        String nonce = nonce();
                        return presentations.present(credential, new HashSet<>(redeemed.claims()), agency, nonce)
                                .flatMap(p -> verifier.verify(p, agency, nonce, false))
                                .flatMap(outcome -> accessLog.record(credential.id(), credential.citizenRef(),
                                        "qr_verified", agency, caller.clientId(), redeemed.claims(), null, null, null,
                                        clock.instant()).thenReturn(verifier.view(outcome)));
                    }))
                    .as(tx::transactional);
        });
    }

    private static String nonce() {
        byte[] bytes = new byte[18];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
