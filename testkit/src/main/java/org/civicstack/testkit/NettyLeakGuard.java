package org.civicstack.testkit;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails the build when Netty reports a buffer leak. The root POM runs every test JVM with
 * {@code -Dio.netty.leakDetection.level=paranoid} and registers this extension for every test class (JUnit's
 * extension auto-detection), so a {@code ByteBuf} that is never released cannot hide in a log: in a gateway that
 * runs for months a leak is an outage.
 *
 * <p>Netty reports a leak when the garbage collector finds an unreleased buffer, through its logger. The report is
 * noticed on the JVM's standard output and error streams rather than through Netty's API, so leaks inside the
 * all-in-one launcher's services — each with its own copy of Netty in its own class loader — are caught as well.
 * After each test class the extension collects garbage, allocates through this class loader's Netty (which is when
 * Netty looks for collected buffers) and fails the class if any report appeared since the previous check. A leak is
 * therefore attributed to the class during or after which it was found; the report's access records name the code.
 */
public final class NettyLeakGuard implements BeforeAllCallback, AfterAllCallback {

    static final String MARKER = "LEAK: ";
    /**
     * Reports whose access records are all the PostgreSQL R2DBC driver's own buffers that it never released when a
     * query was cancelled — defects of the driver, not of code that can release them — are printed as warnings with
     * the reference instead of failing the build; anything else fails:
     * <ul>
     * <li>backend messages ({@code DataRow}, {@code RowDescription}) of a query cancelled mid-result
     *     (r2dbc-postgresql issue 580, open for 1.1.x);</li>
     * <li>a statement's bind parameters when it is cancelled before it is flushed (issue 734, fixed after 1.1.2; the
     *     1.1.1 Boot manages is what resolves here).</li>
     * </ul>
     */
    static final List<String> KNOWN_DRIVER_DEFECTS = List.of("io.r2dbc.postgresql.message.backend.",
            "io.r2dbc.postgresql.PostgresqlStatement.lambda$collectBindingParameters");
    private static final List<String> reports = new ArrayList<>();
    private static boolean installed;

    @Override
    public void beforeAll(ExtensionContext context) {
        install();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        provokeDetection();
        List<String> found = takeReports();
        int known = takeKnownDriverDefects();
        if (known > 0) {
            // the console on purpose, like the reports it watches: each Spring context reconfigures logging
            System.err.println("[NettyLeakGuard] WARNING: " + known + " unreleased R2DBC PostgreSQL driver buffer(s)"
                    + " (after a cancelled query; driver defects r2dbc-postgresql#580, #734) while or"
                    + " after running " + context.getDisplayName() + " — not failing the build for those");
        }
        if (!found.isEmpty()) {
            throw new AssertionError("Netty reported " + found.size() + " buffer leak(s) while or after running "
                    + context.getDisplayName() + " (the access records are in the test output above):\n"
                    + String.join("\n", found));
        }
    }

    static synchronized void install() {
        if (installed) {
            return;
        }
        installed = true;
        System.setOut(new PrintStream(new LeakWatchingStream(System.out), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new LeakWatchingStream(System.err), true, StandardCharsets.UTF_8));
    }

    static synchronized int takeKnownDriverDefects() {
        int known = knownDriverDefects;
        knownDriverDefects = 0;
        return known;
    }

    static synchronized List<String> takeReports() {
        List<String> found = new ArrayList<>(reports);
        reports.clear();
        return found;
    }

    static synchronized void report(String line) {
        if (KNOWN_DRIVER_DEFECTS.stream().anyMatch(line::contains) && !line.contains("org.civicstack.")) {
            knownDriverDefects++;
            return;
        }
        reports.add(line.length() > 400 ? line.substring(0, 400) + " …" : line);
    }

    private static int knownDriverDefects;

    /** Collects garbage, then allocates and releases buffers so that Netty's leak detector polls what was collected. */
    private static void provokeDetection() {
        Object allocator;
        java.lang.reflect.Method buffer;
        java.lang.reflect.Method release;
        try {
            Class<?> pooled = Class.forName("io.netty.buffer.PooledByteBufAllocator");
            allocator = pooled.getField("DEFAULT").get(null);
            buffer = pooled.getMethod("directBuffer", int.class);
            release = Class.forName("io.netty.util.ReferenceCounted").getMethod("release");
        } catch (ReflectiveOperationException | LinkageError e) {
            return; // no Netty on this test class path
        }
        for (int round = 0; round < 3; round++) {
            System.gc();
            try {
                for (int i = 0; i < 16; i++) {
                    release.invoke(buffer.invoke(allocator, 16));
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot exercise Netty's leak detector", e);
            }
        }
    }

    /** Passes everything through and remembers each line that carries Netty's leak marker. */
    static final class LeakWatchingStream extends OutputStream {

        private final OutputStream target;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

        LeakWatchingStream(OutputStream target) {
            this.target = target;
        }

        @Override
        public synchronized void write(int b) throws java.io.IOException {
            target.write(b);
            see(b);
        }

        @Override
        public synchronized void write(byte[] bytes, int offset, int length) throws java.io.IOException {
            target.write(bytes, offset, length);
            for (int i = offset; i < offset + length; i++) {
                see(bytes[i]);
            }
        }

        @Override
        public void flush() throws java.io.IOException {
            target.flush();
        }

        private void see(int b) {
            if (b == '\n') {
                if (line.size() >= MARKER.length()) {
                    String text = line.toString(StandardCharsets.UTF_8);
                    if (text.contains(MARKER)) {
                        report(text);
                    }
                }
                line.reset();
            } else if (line.size() < 64 * 1024) {
                line.write(b);
            }
        }
    }
}
