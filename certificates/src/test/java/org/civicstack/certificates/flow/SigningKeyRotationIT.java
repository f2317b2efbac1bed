package org.civicstack.certificates.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import com.nimbusds.jwt.SignedJWT;
import org.junit.jupiter.api.Test;

/**
 * Operators rotate the credential signing key: new credentials carry the new kid at once, earlier ones keep verifying
 * while their key is published, and retiring the old key makes what it signed fail — the JWKS is the trust anchor.
 */
class SigningKeyRotationIT extends FlowSupport {

    @Test
    @SuppressWarnings("unchecked")
    void rotationKeepsEarlierCredentialsVerifyingUntilTheirKeyIsRetired() throws Exception {
        Agency agency = anAgency();
        String type = registerType(agency);
        Citizen citizen = aCitizen(agency.id());
        String before = issue(agency, type, citizen, claims("杨八"));
        String oldKid = kid(citizen, before);

        String operator = tokens.operator("ops-console", "certificates:operate");
        post(agency.token(), "/v1/certificates/operations/signing-keys/rotate", null).expectStatus().isForbidden();
        Map<String, Object> rotated = json(post(operator, "/v1/certificates/operations/signing-keys/rotate", null)
                .expectStatus().isOk());
        String newKid = (String) rotated.get("current_key_id");
        assertThat(newKid).isNotEqualTo(oldKid);
        Map<String, Object> jwks = json(get(null, "/v1/certificates/jwks.json").expectStatus().isOk());
        assertThat(pluck(jwks.get("keys"), "kid")).contains(oldKid, newKid);
        assertThat((List<Map<String, Object>>) jwks.get("keys")).allSatisfy(k -> assertThat(k).doesNotContainKey("d"));

        Citizen second = aCitizen(agency.id());
        String after = issue(agency, type, second, claims("杨九"));
        assertThat(kid(second, after)).isEqualTo(newKid);

        String nonce = UUID.randomUUID().toString();
        verify(agency, presentation(citizen, before, agency.id(), nonce), nonce).expectStatus().isOk();

        assertThat(json(post(operator, "/v1/certificates/operations/signing-keys/" + newKid + "/retire", null)
                .expectStatus().isEqualTo(409)).get("code")).isEqualTo("not_retirable");
        post(operator, "/v1/certificates/operations/signing-keys/" + oldKid + "/retire", null).expectStatus().isOk();
        String nonce2 = UUID.randomUUID().toString();
        assertThat(refusal(verify(agency, presentation(citizen, before, agency.id(), nonce2), nonce2)))
                .isEqualTo("signature_invalid");
        String nonce3 = UUID.randomUUID().toString();
        verify(agency, presentation(second, after, agency.id(), nonce3), nonce3).expectStatus().isOk();
    }

    private String kid(Citizen citizen, String credential) throws Exception {
        String sdJwt = get(citizen.token(), "/v1/certificates/me/credentials/" + credential + "/sd-jwt")
                .expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        return SignedJWT.parse(sdJwt.substring(0, sdJwt.indexOf('~'))).getHeader().getKeyID();
    }

    private String presentation(Citizen citizen, String credential, String audience, String nonce) {
        return (String) json(post(citizen.token(), "/v1/certificates/me/credentials/" + credential + "/presentations",
                Map.of("audience", audience, "nonce", nonce, "claims", List.of("full_name"))).expectStatus().isOk())
                .get("presentation");
    }
}
