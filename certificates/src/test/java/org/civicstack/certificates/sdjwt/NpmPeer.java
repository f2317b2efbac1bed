package org.civicstack.certificates.sdjwt;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Runs the independent npm @sd-jwt 0.19.0 peer ({@code src/test/sdjwt-peer/peer.mjs}): one JSON request, one answer. */
public final class NpmPeer {

    public static final Path DIRECTORY = Path.of("src/test/sdjwt-peer");

    private NpmPeer() {
    }

    public static String run(String request) throws IOException, InterruptedException {
        assertThat(DIRECTORY.resolve("node_modules/@sd-jwt/sd-jwt-vc/package.json"))
                .as("the npm peer is installed (run .ci/install-test-tools)").exists();
        Process node = new ProcessBuilder("node", "peer.mjs").directory(DIRECTORY.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        CompletableFuture<byte[]> stdout = CompletableFuture.supplyAsync(() -> readAll(node.getInputStream()));
        try (OutputStream in = node.getOutputStream()) {
            in.write(request.getBytes(StandardCharsets.UTF_8));
        }
        try {
            assertThat(node.waitFor(60, TimeUnit.SECONDS)).as("node finished").isTrue();
            assertThat(node.exitValue()).as("node exit code").isZero();
            return new String(stdout.join(), StandardCharsets.UTF_8);
        } finally {
            node.destroyForcibly();
        }
    }

    private static byte[] readAll(InputStream in) {
        try (in; ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            in.transferTo(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
