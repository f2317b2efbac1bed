package org.civicstack.certificates.sdjwt;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.util.JSONObjectUtils;

import org.civicstack.certificates.keys.Es256;
import org.civicstack.certificates.keys.InMemoryCredentialSigningKeys;
import org.civicstack.certificates.statuslist.StatusList;
import org.civicstack.certificates.statuslist.StatusListResolver;
import org.civicstack.certificates.statuslist.StatusListToken;
import org.civicstack.certificates.statuslist.StatusListTokenSigner;
import org.civicstack.certificates.statuslist.StatusListTokenVerifier;
import org.civicstack.certificates.statuslist.StatusReference;
import org.civicstack.certificates.statuslist.TokenStatus;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Interoperability with an independent implementation: the @sd-jwt TypeScript libraries 0.19.0 (core, sd-jwt-vc,
 * crypto-nodejs, jwt-status-list; exact versions from {@code src/test/sdjwt-peer/package-lock.json}, installed by
 * {@code .ci/install-test-tools}) run by {@code peer.mjs}, one JSON request on stdin, one JSON answer on stdout.
 * Both directions: npm verifies what Java issued (credential, presentation, KB-JWT, status list token) and Java
 * verifies what npm issued. Run alone: {@code ./mvnw -B -o -q -pl certificates verify -Dit.test=SdJwtInteropIT}.
 */
class SdJwtInteropIT {

    private static final Path PEER = Path.of("src/test/sdjwt-peer");
    private static final String ISSUER = "https://certificates.civicstack.example";
    private static final String NPM_ISSUER = "https://npm-issuer.example";
    private static final String VCT = "https://credentials.civicstack.example/resident-permit";
    private static final URI LIST = URI.create(ISSUER + "/v1/status-lists/1");
    private static final String AUDIENCE = "https://agency.example/verifier";
    private static final String NONCE = "nonce-7Hq2vW0p";

    private static Map<String, Object> javaSide;
    private static Map<String, Object> npmSide;
    private static StatusList javaStatuses;

    @BeforeAll
    static void runThePeer() throws Exception {
        assertThat(PEER.resolve("node_modules/@sd-jwt/sd-jwt-vc/package.json"))
                .as("the npm peer is installed (run .ci/install-test-tools)").exists();
        Instant now = Instant.now();
        InMemoryCredentialSigningKeys keys = new InMemoryCredentialSigningKeys();
        keys.rotate(); // the JWKS has two keys; the kid must pick the right one
        SdJwtVcIssuer issuer = new SdJwtVcIssuer(keys, 2);
        ECKey holder = Es256.generate("holder");

        javaStatuses = StatusList.ofSize(1024, 2);
        javaStatuses.set(1, TokenStatus.SUSPENDED);
        javaStatuses.set(3, TokenStatus.INVALID);
        String statusToken = new StatusListTokenSigner(keys)
                .sign(new StatusListToken(LIST, now, now.plus(Duration.ofHours(1)), Duration.ofMinutes(10), javaStatuses));

        String presentation = SdJwtPresenter.present(issuer.issue(permit(holder, now, 7)).serialized(),
                Set.of("given_name", "birthdate", "address"), holder, AUDIENCE, NONCE, now);
        String revoked = SdJwtPresenter.present(issuer.issue(permit(holder, now, 3)).serialized(),
                Set.of("given_name"), holder, AUDIENCE, NONCE, now);

        Map<String, Object> request = new LinkedHashMap<>();
        request.put("issuer_jwks", keys.verificationKeys().toJSONObject(true));
        request.put("presentation", presentation);
        request.put("revoked_presentation", revoked);
        request.put("audience", AUDIENCE);
        request.put("nonce", NONCE);
        request.put("status_list_uri", LIST.toString());
        request.put("status_list_token", statusToken);
        request.put("npm_issuer", NPM_ISSUER);

        Map<String, Object> answer = JSONObjectUtils.parse(runNode(JSONObjectUtils.toJSONString(request)));
        javaSide = JSONObjectUtils.getJSONObject(answer, "java");
        npmSide = JSONObjectUtils.getJSONObject(answer, "npm");
    }

    private static CredentialRequest permit(ECKey holder, Instant now, int statusIndex) {
        return CredentialRequest.builder()
                .issuer(ISSUER).type(VCT)
                .issuedAt(now).expiresAt(now.plus(Duration.ofDays(30)))
                .holderKey(holder.toPublicJWK())
                .status(new StatusReference(statusIndex, LIST))
                .visible("issuing_authority", "Shenzhen Public Security Bureau")
                .disclosable("given_name", "Li")
                .disclosable("family_name", "Wei")
                .disclosable("birthdate", "1990-01-01")
                .disclosable("resident_id", "440300199001011234")
                .disclosable("address", Map.of("locality", "Shenzhen", "district", "Futian"))
                .build();
    }

    private static String runNode(String request) throws IOException, InterruptedException {
        return NpmPeer.run(request);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Map<String, Object> from, String... path) {
        Map<String, Object> at = from;
        for (String key : path) {
            at = (Map<String, Object>) at.get(key);
        }
        return at;
    }

    @Test
    void npmVerifiesTheJavaPresentationWithItsKeyBindingAndStatus() {
        Map<String, Object> result = map(javaSide, "presentation");
        assertThat(result).as(String.valueOf(result.get("error"))).containsEntry("verified", true);
        assertThat(map(result, "header")).containsEntry("typ", "dc+sd-jwt").containsEntry("alg", "ES256");
        assertThat(map(result, "payload"))
                .containsEntry("iss", ISSUER).containsEntry("vct", VCT)
                .containsEntry("given_name", "Li").containsEntry("birthdate", "1990-01-01")
                .containsEntry("address", Map.of("locality", "Shenzhen", "district", "Futian"))
                .containsEntry("issuing_authority", "Shenzhen Public Security Bureau")
                .doesNotContainKeys("family_name", "resident_id");
        assertThat(map(result, "kb", "header")).containsEntry("typ", "kb+jwt");
        assertThat(map(result, "kb", "payload")).containsEntry("nonce", NONCE).containsEntry("aud", AUDIENCE);
    }

    @Test
    void npmRefusesTheRevokedJavaCredentialAndAReplayWithAnotherNonce() {
        assertThat(map(javaSide, "revoked")).containsEntry("verified", false);
        assertThat((String) map(javaSide, "revoked").get("error")).containsIgnoringCase("status");
        assertThat(map(javaSide, "replayed")).containsEntry("verified", false);
        assertThat((String) map(javaSide, "replayed").get("error")).containsIgnoringCase("nonce");
    }

    @Test
    void npmDecodesTheJavaStatusListToken() {
        Map<String, Object> statusList = map(javaSide, "status_list");
        assertThat(map(statusList, "header")).containsEntry("typ", "statuslist+jwt").containsEntry("alg", "ES256");
        assertThat(map(statusList, "payload")).containsEntry("sub", LIST.toString()).containsEntry("ttl", 600L);
        assertThat(((Number) statusList.get("bits")).intValue()).isEqualTo(2);
        List<?> first = (List<?>) statusList.get("first_statuses");
        for (int i = 0; i < 16; i++) {
            assertThat(((Number) first.get(i)).intValue()).as("entry %d", i).isEqualTo(javaStatuses.get(i));
        }
    }

    @Test
    void javaVerifiesTheNpmPresentationAndStatusListToken() throws Exception {
        JWKSet npmKeys = JWKSet.parse(map(npmSide, "issuer_jwks"));
        URI npmList = URI.create((String) npmSide.get("status_list_uri"));
        String npmStatusToken = (String) npmSide.get("status_list_token");
        StatusListTokenVerifier statusVerifier = new StatusListTokenVerifier(() -> npmKeys, Clock.systemUTC(), Duration.ofSeconds(60));
        SdJwtVcVerifier verifier = new SdJwtVcVerifier(TrustedIssuers.of(NPM_ISSUER, () -> npmKeys),
                StatusListResolver.fetching(uri -> uri.equals(npmList) ? npmStatusToken : null, statusVerifier),
                Clock.systemUTC(), VerificationPolicy.DEFAULT);

        VerifiedCredential verified = verifier.verify((String) npmSide.get("presentation"), AUDIENCE, NONCE);

        assertThat(verified.issuer()).isEqualTo(NPM_ISSUER);
        assertThat(verified.disclosed()).containsExactlyInAnyOrder("given_name", "address");
        assertThat(verified.claims()).containsEntry("given_name", "Mei")
                .containsEntry("address", Map.of("locality", "Shenzhen", "district", "Nanshan"))
                .doesNotContainKeys("family_name", "birthdate", "_sd", "_sd_alg");
        assertThat(verified.status()).isEqualTo(new StatusReference(5, npmList));

        StatusList npmStatuses = statusVerifier.verify(npmStatusToken, npmList).list();
        assertThat(npmStatuses.bits()).isEqualTo(2);
        assertThat(npmStatuses.status(9)).contains(TokenStatus.INVALID);
        assertThat(npmStatuses.status(10)).contains(TokenStatus.SUSPENDED);
        assertThat(npmStatuses.status(5)).contains(TokenStatus.VALID);
    }

    @Test
    void javaRefusesTheNpmPresentationForAnotherNonceOrAudience() throws Exception {
        JWKSet npmKeys = JWKSet.parse(map(npmSide, "issuer_jwks"));
        SdJwtVcVerifier verifier = new SdJwtVcVerifier(TrustedIssuers.of(NPM_ISSUER, () -> npmKeys),
                uri -> StatusList.ofSize(64, 2), Clock.systemUTC(), VerificationPolicy.DEFAULT);
        String presentation = (String) npmSide.get("presentation");
        assertThat(catchThrowableOfType(CredentialVerificationException.class,
                () -> verifier.verify(presentation, AUDIENCE, "another-nonce")).code()).isEqualTo("nonce_mismatch");
        assertThat(catchThrowableOfType(CredentialVerificationException.class,
                () -> verifier.verify(presentation, "https://other.example", NONCE)).code()).isEqualTo("wrong_audience");
    }
}
