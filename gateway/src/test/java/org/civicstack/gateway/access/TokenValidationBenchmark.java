package org.civicstack.gateway.access;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Citizen-token validation at the gateway, one thread (= ops/s per core): {@code eddsaCold} is the full check of a
 * token not seen before as identity signs access tokens (JWS parse, EdDSA Ed25519 signature through the platform's
 * verifier, claims); {@code ps256Cold} the same with PS256 and a 2048-bit RSA key (what identity signed before,
 * and signs agency assertions with); {@code warm} is a repeat answered from the verified-token cache. Not a test (no {@code *Test} name): run by bench/token-validation/run.sh.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class TokenValidationBenchmark {

    private TokenValidator validator;
    private TokenValidator eddsaValidator;
    private String token;
    private String eddsaToken;
    private String sameTokenOtherInstance;

    @Setup
    public void setUp() {
        RSAKey key = CitizenTokens.newKey("bench-1");
        JWK publicKey = key.toPublicJWK();
        long now = System.currentTimeMillis();
        validator = new TokenValidator(kid -> CompletableFuture.completedFuture(publicKey), new JwsVerifiers(),
                CitizenTokens.ISSUER, Duration.ofSeconds(30), 100_000, System::currentTimeMillis);
        token = CitizenTokens.sign(key, CitizenTokens.claims(now, 2).expirationTime(new java.util.Date(now + 3_600_000)).build());
        if (!(validator.check(token).join() instanceof TokenCheck.Valid)) {
            throw new IllegalStateException("benchmark token does not validate");
        }
        CitizenTokens.Ed25519Key edKey = CitizenTokens.newEd25519Key("bench-ed-1");
        eddsaValidator = new TokenValidator(kid -> CompletableFuture.completedFuture(edKey.jwk()), new JwsVerifiers(),
                CitizenTokens.ISSUER, Duration.ofSeconds(30), 100_000, System::currentTimeMillis);
        eddsaToken = CitizenTokens.sign(edKey, CitizenTokens.claims(now, 2)
                .expirationTime(new java.util.Date(now + 3_600_000)).build());
        if (!(eddsaValidator.check(eddsaToken).join() instanceof TokenCheck.Valid)) {
            throw new IllegalStateException("benchmark EdDSA token does not validate");
        }
        // every request brings its own String: the hash is computed per request, as in the gateway
        sameTokenOtherInstance = new String(token.toCharArray());
    }

    @Benchmark
    public TokenCheck ps256Cold() {
        return validator.verifyAndCache(token).join();
    }

    @Benchmark
    public TokenCheck eddsaCold() {
        return eddsaValidator.verifyAndCache(eddsaToken).join();
    }

    @Benchmark
    public TokenCheck warmCacheHit() {
        return validator.check(new String(sameTokenOtherInstance.toCharArray())).join();
    }
}
