package org.civicstack.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

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
        assertThat(second).contains("code=oauth_client_taken").contains("Walkthrough complete");
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

    private static String runWalkthrough() throws IOException, InterruptedException {
        return runScript("examples/walkthrough.sh");
    }

    private static String runScript(String path) throws IOException, InterruptedException {
        Path root = SharedPlatform.repositoryRoot();
        Path output = Files.createTempFile("walkthrough", ".log");
        try {
            ProcessBuilder script = new ProcessBuilder("bash", path)
                    .directory(root.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            script.environment().put("CIVICSTACK_GATEWAY_URL", "http://localhost:" + SharedPlatform.gatewayPort());
            Process process = script.start();
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
}
