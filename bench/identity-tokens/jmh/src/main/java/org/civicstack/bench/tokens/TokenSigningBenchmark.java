package org.civicstack.bench.tokens;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.Ed25519Verifier;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.amazon.corretto.crypto.provider.AmazonCorrettoCryptoProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Sign and verify of a realistic CivicStack citizen access token (RFC 9068 {@code at+jwt}, the claims of the
 * shared contract) with Nimbus, per algorithm and key. {@code sign} is what the token endpoint does per token
 * (claims serialisation included); {@code verify} is what a gateway does per token it has not cached yet
 * (parse + signature check, no claim checks).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class TokenSigningBenchmark {

    @Param({"PS256-2048", "PS256-3072", "RS256-2048", "ES256", "EdDSA-Tink", "EdDSA-JDK",
            "PS256-2048-ACCP", "ES256-ACCP", "EdDSA-ACCP"})
    public String algorithm;

    private JWSSigner signer;
    private JWSVerifier verifier;
    private JWSHeader header;
    private JWTClaimsSet claims;
    private String token;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        String kid = "bench-" + algorithm;
        JWSAlgorithm alg;
        switch (algorithm) {
            case "PS256-2048", "PS256-3072", "RS256-2048" -> {
                int bits = algorithm.endsWith("3072") ? 3072 : 2048;
                alg = algorithm.startsWith("PS") ? JWSAlgorithm.PS256 : JWSAlgorithm.RS256;
                RSAKey key = new RSAKeyGenerator(bits).keyID(kid).generate();
                signer = new RSASSASigner(key);
                verifier = new RSASSAVerifier(key.toPublicJWK());
            }
            case "ES256" -> {
                alg = JWSAlgorithm.ES256;
                ECKey key = new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
                signer = new ECDSASigner(key);
                verifier = new ECDSAVerifier(key.toPublicJWK());
            }
            case "EdDSA-Tink" -> {
                alg = JWSAlgorithm.EdDSA;
                OctetKeyPair key = new OctetKeyPairGenerator(Curve.Ed25519).keyID(kid).generate();
                signer = new Ed25519Signer(key);
                verifier = new Ed25519Verifier(key.toPublicJWK());
            }
            case "EdDSA-JDK" -> {
                alg = JWSAlgorithm.EdDSA;
                KeyPair pair = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                signer = new JdkEd25519.Signer(pair.getPrivate());
                verifier = new JdkEd25519.Verifier(pair.getPublic());
            }
            case "PS256-2048-ACCP" -> {
                alg = JWSAlgorithm.PS256;
                RSAKey key = new RSAKeyGenerator(2048).keyID(kid).generate();
                signer = new RSASSASigner(key);
                signer.getJCAContext().setProvider(AmazonCorrettoCryptoProvider.INSTANCE);
                verifier = new RSASSAVerifier(key.toPublicJWK());
                verifier.getJCAContext().setProvider(AmazonCorrettoCryptoProvider.INSTANCE);
            }
            case "ES256-ACCP" -> {
                alg = JWSAlgorithm.ES256;
                ECKey key = new ECKeyGenerator(Curve.P_256).keyID(kid).generate();
                signer = new ECDSASigner(key);
                signer.getJCAContext().setProvider(AmazonCorrettoCryptoProvider.INSTANCE);
                verifier = new ECDSAVerifier(key.toPublicJWK());
                verifier.getJCAContext().setProvider(AmazonCorrettoCryptoProvider.INSTANCE);
            }
            case "EdDSA-ACCP" -> {
                alg = JWSAlgorithm.EdDSA;
                KeyPair pair = KeyPairGenerator.getInstance("Ed25519", AmazonCorrettoCryptoProvider.INSTANCE)
                        .generateKeyPair();
                signer = new JdkEd25519.Signer(pair.getPrivate(), AmazonCorrettoCryptoProvider.INSTANCE);
                verifier = new JdkEd25519.Verifier(pair.getPublic(), AmazonCorrettoCryptoProvider.INSTANCE);
            }
            default -> throw new IllegalArgumentException(algorithm);
        }
        header = new JWSHeader.Builder(alg).type(new JOSEObjectType("at+jwt")).keyID(kid).build();
        Instant now = Instant.now();
        claims = new JWTClaimsSet.Builder()
                .issuer("https://api.civicstack.example")
                .audience(List.of("civicstack"))
                .subject(UUID.randomUUID().toString())
                .claim("client_id", "civicstack-citizen-app")
                .claim("client_type", "citizen_app")
                .claim("scope", "openid profile payments:read certificates:read")
                .claim("acr", "urn:civicstack:acr:2")
                .claim("amr", List.of("sms"))
                .claim("auth_time", now.getEpochSecond())
                .claim("sid", UUID.randomUUID().toString())
                .jwtID(UUID.randomUUID().toString())
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)))
                .build();
        token = sign();
        if (!verify()) {
            throw new IllegalStateException(algorithm + ": a freshly signed token does not verify");
        }
    }

    @Benchmark
    public String sign() throws Exception {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    @Benchmark
    public boolean verify() throws Exception {
        return SignedJWT.parse(token).verify(verifier);
    }
}
