package org.civicstack.certificates.bench;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.ECKey;

import org.civicstack.certificates.keys.Es256;
import org.civicstack.certificates.keys.InMemoryCredentialSigningKeys;
import org.civicstack.certificates.sdjwt.CredentialRequest;
import org.civicstack.certificates.sdjwt.IssuedCredential;
import org.civicstack.certificates.sdjwt.SdJwtPresenter;
import org.civicstack.certificates.sdjwt.SdJwtVcIssuer;
import org.civicstack.certificates.sdjwt.SdJwtVcVerifier;
import org.civicstack.certificates.sdjwt.TrustedIssuers;
import org.civicstack.certificates.sdjwt.VerificationPolicy;
import org.civicstack.certificates.statuslist.StatusList;
import org.civicstack.certificates.statuslist.StatusListResolver;
import org.civicstack.certificates.statuslist.StatusReference;
import org.civicstack.platform.security.jose.Ed25519;

/**
 * One-thread rates of credential issuance and verification against the raw signature rate of ES256 (the issue #11
 * benchmark's comparison), plus ES256 through the JDK and Ed25519 for the algorithm choice
 * (docs/adr/0008-certificate-signing-algorithm.md). Not JMH: a warm-up, then a timed loop per row; other builds on
 * the machine show up as noise, so run it on a quiet machine for numbers that matter.
 *
 * <pre>
 * ./mvnw -B -o -q -pl certificates test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp certificates/target/classes:certificates/target/test-classes:$(cat certificates/target/cp.txt) \
 *     org.civicstack.certificates.bench.SigningRate [seconds per row, default 5]
 * </pre>
 */
public final class SigningRate {

    private static volatile Object sink;

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 5;
        System.out.printf("ES256 provider: %s; Ed25519 provider: %s; JDK %s; %d CPUs%n", Es256.providerName(),
                Ed25519.DEFAULT.providerName(), System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());

        String issuerName = "https://certificates.civicstack.example";
        URI list = URI.create(issuerName + "/v1/status-lists/1");
        InMemoryCredentialSigningKeys keys = new InMemoryCredentialSigningKeys();
        SdJwtVcIssuer issuer = new SdJwtVcIssuer(keys, 2);
        ECKey holder = Es256.generate("holder");
        Instant now = Instant.now();
        CredentialRequest request = CredentialRequest.builder()
                .issuer(issuerName).type("https://credentials.civicstack.example/resident-permit")
                .issuedAt(now).expiresAt(now.plus(Duration.ofDays(365)))
                .holderKey(holder.toPublicJWK()).status(new StatusReference(7, list))
                .visible("issuing_authority", "Shenzhen Public Security Bureau")
                .disclosable("given_name", "Li").disclosable("family_name", "Wei")
                .disclosable("birthdate", "1990-01-01").disclosable("resident_id", "440300199001011234")
                .disclosable("address", Map.of("locality", "Shenzhen", "district", "Futian"))
                .disclosable("age_in_years", 36L)
                .build();
        IssuedCredential credential = issuer.issue(request);
        String presentation = SdJwtPresenter.present(credential.serialized(), Set.of("given_name", "birthdate"), holder,
                "https://agency.example", "nonce-1", now);
        SdJwtVcVerifier verifier = new SdJwtVcVerifier(TrustedIssuers.of(issuerName, keys::verificationKeys),
                StatusListResolver.of(Map.of(list, StatusList.ofSize(100_000, 2))), Clock.systemUTC(), VerificationPolicy.DEFAULT);

        byte[] signingInput = credential.serialized().substring(0, credential.serialized().lastIndexOf('.', credential.serialized().indexOf('~')))
                .getBytes(StandardCharsets.US_ASCII);
        JWSHeader header = new JWSHeader(Es256.ALGORITHM);
        JWSSigner nativeSigner = keys.current().signer();
        JWSSigner jdkSigner = new ECDSASigner(Es256.generate("jdk"));
        KeyPair ed = Ed25519.generate();
        System.out.printf("credential: %d chars issued, %d chars presented; signing input %d bytes%n",
                credential.serialized().length(), presentation.length(), signingInput.length);

        rate("raw ES256 signatures/s (" + Es256.providerName() + ")", seconds, () -> {
            sink = nativeSigner.sign(header, signingInput);
            return 1;
        });
        com.nimbusds.jose.util.Base64URL signature = nativeSigner.sign(header, signingInput);
        ECKey issuerPublic = keys.current().publicJwk();
        com.nimbusds.jose.JWSVerifier cachedVerifier = Es256.verifier(issuerPublic);
        rate("raw ES256 verifications/s (" + Es256.providerName() + ", verifier reused)", seconds, () -> {
            sink = cachedVerifier.verify(header, signingInput, signature);
            return 1;
        });
        rate("raw ES256 verifications/s (" + Es256.providerName() + ", verifier per call)", seconds, () -> {
            sink = Es256.verifier(issuerPublic).verify(header, signingInput, signature);
            return 1;
        });
        rate("SD-JWT VC issuances/s (6 disclosures + 2 decoys)", seconds, () -> {
            sink = issuer.issue(request);
            return 1;
        });
        rate("presentation verifications/s (issuer + KB-JWT + digests + status)", seconds, () -> {
            sink = verifier.verify(presentation, "https://agency.example", "nonce-1");
            return 1;
        });
        rate("holder presentations/s (KB-JWT signing)", seconds, () -> {
            sink = SdJwtPresenter.present(credential.serialized(), Set.of("given_name"), holder, "https://agency.example", "n", now);
            return 1;
        });
        rate("raw ES256 signatures/s (JDK SunEC, for comparison)", seconds, () -> {
            sink = jdkSigner.sign(header, signingInput);
            return 1;
        });
        rate("raw Ed25519 signatures/s (" + Ed25519.DEFAULT.providerName() + ", for comparison)", seconds, () -> {
            sink = Ed25519.DEFAULT.sign(ed.getPrivate(), signingInput);
            return 1;
        });
    }

    private interface Op {
        int run() throws Exception;
    }

    private static void rate(String what, double seconds, Op op) throws Exception {
        long warmUpEnd = System.nanoTime() + (long) (seconds * 0.4e9);
        while (System.nanoTime() < warmUpEnd) {
            op.run();
        }
        long start = System.nanoTime();
        long end = start + (long) (seconds * 1e9);
        long count = 0;
        long now;
        do {
            count += op.run();
            now = System.nanoTime();
        } while (now < end);
        double elapsed = (now - start) / 1e9;
        System.out.printf("%-80s %,10.0f /s  (%,.1f µs/op)%n", what, count / elapsed, elapsed * 1e6 / count);
    }

    private SigningRate() {
    }
}
