package org.civicstack.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.civicstack.testkit.AliyunSmsStandIn;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Runs {@code examples/walkthrough.sh} exactly as the README tells a new user to, against the all-in-one started
 * with {@code examples/walkthrough.env} ({@link SharedPlatform}): tokens, agency, service with a tiny local upstream,
 * review, a call through {@code /s/{code}}, the catalog in both languages, suspend and resume.
 */
@ExtendWith(SharedPlatform.class)
@Order(SharedPlatform.ORDER)
class WalkthroughIT {

    @Test
    void theWalkthroughScriptCompletesAgainstTheAllInOne() throws Exception {
        String first = runWalkthrough();
        assertThat(first)
                .contains("Walkthrough complete")
                // the tiny upstream's own answer, seen through the gateway, with the request id and prefix the gateway set
                .containsPattern("< 200 from the tiny agency: \\{\"agency\":\"tiny-agency\",\"method\":\"GET\","
                        + "\"path\":\"/his/appointments/today\",\"query\":\"dept=cardiology\"")
                .contains("\"x-request-id\":\"walkthrough-call-1\"")
                .containsPattern("\"x-forwarded-prefix\":\"/s/sz-walkthrough-[0-9-]+\"")
                .contains("\"authorization_received\":false")
                // the catalog in both languages
                .containsPattern("found sz-walkthrough-[0-9-]+: display_name=市人民医院预约挂号（演示 [0-9-]+）")
                .containsPattern("found sz-walkthrough-[0-9-]+: display_name=People's Hospital registration \\(walkthrough [0-9-]+\\)")
                // suspended: a 404 problem in each language
                .containsPattern("< 404 code=service_suspended detail=「市人民医院预约挂号（演示 [0-9-]+）」暂停服务")
                .containsPattern("< 404 code=service_suspended detail=\"People's Hospital registration \\(walkthrough [0-9-]+\\)\" is temporarily unavailable")
                .contains("< 200 from the tiny agency: method=GET path=/his/appointments/today")
                .contains("(stopped the tiny agency)");

        // re-runnable against the same platform: the agency is registered once, the service code is new
        String second = runWalkthrough();
        assertThat(second).containsPattern("code=(agency_id_taken|oauth_client_taken): registered by an earlier run")
                .contains("Walkthrough complete");
    }

    /** {@code examples/auditor-walkthrough.sh}, as the README tells a security auditor to run it. */
    @Test
    void theAuditorWalkthroughRunsAsWritten() throws Exception {
        String log = runScript("examples/auditor-walkthrough.sh");
        assertThat(log)
                .contains("kind=token_issued")
                .contains("status=active")
                .contains("the token is among the client's active tokens")
                .contains("< 201 actor=client:walkthrough-auditor")
                .containsPattern("< 401 The token has been revoked\\.")
                .contains("status=revoked revoked_by: kind=token actor=client:walkthrough-auditor reason=auditor walkthrough")
                .containsPattern("< 200 [0-9]+ entries")
                .contains("verified")
                .contains("verified=true")
                .contains("Auditor walkthrough complete.");
    }

    /**
     * {@code examples/citizen-walkthrough.sh}: the script asks for the SMS code on standard input, and the test
     * answers with the code the SMS provider's stand-in received, as a citizen reads it off their phone.
     */
    @Test
    void theCitizenWalkthroughRunsAsWritten() throws Exception {
        String log = runScript("examples/citizen-walkthrough.sh", "13800138020");
        assertThat(log)
                .contains("\"code_challenge_methods_supported\":[\"S256\"]")
                .contains("< 302 signed in; back at the app: http://127.0.0.1:18491/callback?code=…&state=(unchanged)")
                .contains("\"acr\":\"urn:civicstack:acr:1\"")
                .contains("\"type\":\"signed_in\"")
                .contains("< 200 rotated: the old refresh token is spent")
                .contains("the newest refresh token is dead too")
                .contains("Done: signed in with code + PKCE");
    }

    /**
     * {@code examples/payments-walkthrough.sh} (issue #10 end to end through the gateway, with real identity): an
     * agency's citizen service gives it the citizen's pairwise sub; the agency's merchant account, a sandbox account,
     * an idempotent order for that sub; the citizen pays in the cashier and at the provider's checkout; receipt,
     * webhook, refund, over-refund refused, balanced ledger.
     */
    @Test
    void thePaymentsWalkthroughRunsAsWritten() throws Exception {
        String log = runScript("examples/payments-walkthrough.sh", "13800138010");
        assertThat(log)
                .contains("agency_id=agy_sz_health_commission")
                .containsPattern("the agency knows this citizen as sub=[A-Za-z0-9_-]{22} ")
                .contains("sandbox accounts at http://127.0.0.1:")
                .containsPattern("< 201 id=pay_[a-z0-9]+ status=created amount=2500")
                .contains("(the same order) Idempotent-Replayed: true")
                .contains("< 422 code=idempotency_key_reused")
                .contains("\"channels\":[\"sandbox\"]")
                .contains("< 200 status=succeeded")
                .contains("receipt: 25.00 CNY via sandbox")
                .contains("\"type\":\"payment.succeeded\" status=delivered")
                .containsPattern("the tiny agency's console: webhook [^ ]+ received")
                .contains("< 422 code=refund_exceeds_payment")
                .containsPattern("refund rfd_[a-z0-9]+ succeeded at the channel")
                .contains("\"balanced\":true")
                .contains("Payments walkthrough complete");
    }

    /**
     * {@code examples/certificates-walkthrough.sh} (issue #11 end to end through the gateway, with real identity):
     * type, issuance to a pairwise sub, wallet, request, consent, presentation with exactly the approved disclosures,
     * verification, replay refused, QR single use, revocation reaching the status list, access log.
     */
    @Test
    void theCertificatesWalkthroughRunsAsWritten() throws Exception {
        String log = runScript("examples/certificates-walkthrough.sh", "13800138011");
        assertThat(log)
                .containsPattern("< 201 id=crd_[a-z0-9]+ status=valid")
                .contains("the retry replays the first answer (Idempotent-Replayed: true)")
                .contains("credentials_refused: 1 of 2 credentials cannot be issued; nothing was issued."
                        + " credentials[1].subject unknown_subject")
                .contains("< 200 Health certificate: Name=\"林晓华\"")
                .contains("< 200 健康证明 status=valid")
                .contains("from Shenzhen Health Commission (agy_sz_health_commission): \"To check your health certificate")
                .contains("asks for: Name,Fit for food work; always visible: Certificate number")
                .contains("vp_token.health disclosures: full_name fit_for_food_work")
                .contains("< 200 valid=true")
                .contains("< 422 code=nonce_replayed")
                .contains("< 422 code=signature_invalid")
                .contains("< 422 code=wrong_audience")
                .contains("status=declined, no vp_token")
                .contains("< 409 code=qr_token_used (single use)")
                .contains("application/statuslist+jwt")
                .contains("< 422 code=revoked")
                .contains("revoked presented qr_verified presented verified shared issued")
                .contains("Certificates walkthrough complete");
    }

    private static String runWalkthrough() throws IOException, InterruptedException {
        return runScript("examples/walkthrough.sh");
    }

    private static String runScript(String path) throws IOException, InterruptedException {
        return runScript(path, null);
    }

    /**
     * Runs a walkthrough script; with {@code mobile}, answers its question for the SMS code (one line on standard
     * input) with the latest code the SMS provider's stand-in received for that number.
     */
    private static String runScript(String path, String mobile) throws IOException, InterruptedException {
        Path root = SharedPlatform.repositoryRoot();
        Path output = Files.createTempFile("walkthrough", ".log");
        try {
            // run as the README does (examples/….sh), not through `bash`: a script that lost its execute bit fails here
            ProcessBuilder script = new ProcessBuilder(root.resolve(path).toString())
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            script.environment().put("CIVICSTACK_GATEWAY_URL", "http://localhost:" + SharedPlatform.gatewayPort());
            if (mobile != null) {
                script.environment().put("CIVICSTACK_WALKTHROUGH_MOBILE", mobile);
                script.environment().remove("CIVICSTACK_WALKTHROUGH_CODE");
            }
            Process process = script.start();
            if (mobile != null) {
                answerTheCodeQuestion(process, output, mobile);
            }
            boolean ended = process.waitFor(5, TimeUnit.MINUTES);
            if (!ended) {
                process.descendants().forEach(ProcessHandle::destroy);
                process.destroy();
                process.waitFor(30, TimeUnit.SECONDS);
            }
            String log = Files.readString(output, StandardCharsets.UTF_8);
            System.out.println(log);
            assertThat(ended).as("walkthrough ended within 5 minutes:%n%s", log).isTrue();
            assertThat(process.exitValue()).as("walkthrough exit code:%n%s", log).isZero();
            return log;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    private static void answerTheCodeQuestion(Process process, Path output, String mobile)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!Files.readString(output, StandardCharsets.UTF_8).contains("Type the 6-digit code")) {
            if (!process.isAlive() || System.nanoTime() > deadline) {
                return; // the script failed before asking; its exit code and log say why
            }
            Thread.onSpinWait();
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
        String code = AliyunSmsStandIn.latestCodeFor(mobile).orElseThrow(() -> new AssertionError("no SMS to " + mobile));
        try (var stdin = process.getOutputStream()) {
            stdin.write((code + "\n").getBytes(StandardCharsets.US_ASCII));
        }
    }
}
