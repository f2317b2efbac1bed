package org.civicstack.bench.tokens;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;

/**
 * What checking a client secret costs per token request: the {@code {bcrypt}} (strength 10, Spring's default)
 * hashes identity stored before, against the salted SHA-256 + constant-time compare of
 * {@code org.civicstack.identity.clients.ClientSecretEncoder} (same construction, re-stated here so the benchmark
 * does not depend on the identity module).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class ClientSecretBenchmark {

    static final String SECRET = "bench-agency-secret-0123456789abcdefghijklmnop";

    private BCryptPasswordEncoder bcrypt;
    private String bcryptHash;
    private byte[] salt;
    private byte[] sha256Hash;

    @Setup
    public void setUp() throws Exception {
        bcrypt = new BCryptPasswordEncoder();
        bcryptHash = bcrypt.encode(SECRET);
        salt = new byte[16];
        new SecureRandom().nextBytes(salt);
        sha256Hash = saltedSha256(salt, SECRET);
        Base64.getEncoder().encodeToString(sha256Hash);
    }

    @Benchmark
    public boolean bcryptMatches() {
        return bcrypt.matches(SECRET, bcryptHash);
    }

    @Benchmark
    public boolean saltedSha256Matches() throws Exception {
        return MessageDigest.isEqual(sha256Hash, saltedSha256(salt, SECRET));
    }

    private static byte[] saltedSha256(byte[] salt, String secret) throws Exception {
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        sha256.update(salt);
        sha256.update(secret.getBytes(StandardCharsets.UTF_8));
        return sha256.digest();
    }
}
