package org.civicstack.certificates.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jose.util.JSONObjectUtils;
import org.civicstack.certificates.sdjwt.NpmPeer;
import org.junit.jupiter.api.Test;

/**
 * What the running service publishes verifies with the independent npm @sd-jwt 0.19.0 libraries (peer.mjs): a
 * wallet presentation of a service-issued credential with its key binding, its status through the status list token
 * served at its URI and the JWKS served at /v1/certificates/jwks.json; a credential revoked through the API is refused,
 * as is a replay with another nonce. (The other direction — Java verifying npm-made credentials — is SdJwtInteropIT.)
 */
class ServiceInteropIT extends FlowSupport {

    @Test
    @SuppressWarnings("unchecked")
    void npmVerifiesWhatTheServiceIssuesAndPublishes() throws Exception {
        Agency agency = anAgency();
        String type = registerType(agency);
        Citizen citizen = aCitizen(agency.id());
        String good = issue(agency, type, citizen, claims("蒋五"));
        // another citizen's credential, revoked by its issuer
        Citizen other = aCitizen(agency.id());
        String revoked = issue(agency, type, other, claims("沈六"));
        post(agency.token(), "/v1/certificates/credentials/" + revoked + "/revoke", null).expectStatus().isOk();

        String nonce = "nonce-" + UUID.randomUUID();
        String audience = agency.id();
        String presentation = (String) json(post(citizen.token(), "/v1/certificates/me/credentials/" + good
                + "/presentations", Map.of("audience", audience, "nonce", nonce, "claims", List.of("full_name", "hours")))
                .expectStatus().isOk()).get("presentation");
        // a presentation made before the revocation would look the same; the wallet refuses to make one after it, so
        // build the revoked one from the downloaded SD-JWT the way the npm holder would not need us for
        String revokedPresentation = presentWithWalletOfRevoked(other, revoked, audience, nonce);

        Map<String, Object> slot = (Map<String, Object>) json(get(agency.token(), "/v1/certificates/credentials/" + good)
                .expectStatus().isOk()).get("status_list");
        String uri = (String) slot.get("uri");
        String statusToken = get(null, java.net.URI.create(uri).getPath()).expectStatus().isOk()
                .expectBody(String.class).returnResult().getResponseBody();
        Map<String, Object> jwks = json(get(null, "/v1/certificates/jwks.json").expectStatus().isOk());

        Map<String, Object> request = new LinkedHashMap<>();
        request.put("issuer_jwks", jwks);
        request.put("presentation", presentation);
        request.put("revoked_presentation", revokedPresentation);
        request.put("audience", audience);
        request.put("nonce", nonce);
        request.put("status_list_uri", uri);
        request.put("status_list_token", statusToken);
        request.put("npm_issuer", "https://npm-issuer.example");
        Map<String, Object> java = JSONObjectUtils.getJSONObject(
                JSONObjectUtils.parse(NpmPeer.run(JSONObjectUtils.toJSONString(request))), "java");

        Map<String, Object> verified = (Map<String, Object>) java.get("presentation");
        assertThat(verified).as(String.valueOf(verified.get("error"))).containsEntry("verified", true);
        assertThat((Map<String, Object>) verified.get("payload"))
                .containsEntry("iss", BASE + "/v1/certificates/issuers/" + agency.id())
                .containsEntry("vct", BASE + "/v1/certificates/types/" + type)
                .containsEntry("full_name", "蒋五").containsEntry("hours", 12.5).containsEntry("level", 3L)
                .doesNotContainKey("birth_date");
        assertThat((Map<String, Object>) java.get("revoked")).containsEntry("verified", false);
        assertThat(String.valueOf(((Map<String, Object>) java.get("revoked")).get("error"))).containsIgnoringCase("status");
        assertThat((Map<String, Object>) java.get("replayed")).containsEntry("verified", false);
        assertThat(((Map<String, Object>) java.get("status_list")).get("bits")).isEqualTo(2L);
    }

    /** The revoked credential's holder presents it anyway: the wallet key signs, as a holder's own wallet would. */
    private String presentWithWalletOfRevoked(Citizen holder, String credential, String audience, String nonce) {
        String issued = get(holder.token(), "/v1/certificates/me/credentials/" + credential + "/sd-jwt")
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        var key = walletKeys.keyOf(holder.ref()).block();
        return org.civicstack.certificates.sdjwt.SdJwtPresenter.present(issued, java.util.Set.of("full_name"), key,
                audience, nonce, java.time.Instant.now());
    }

    @org.springframework.beans.factory.annotation.Autowired
    org.civicstack.certificates.wallet.WalletKeys walletKeys;
}
