package org.civicstack.certificates.flow;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

/**
 * No database row and no log line holds plaintext personal data: after a credential's whole life (issued by subject
 * and by resident ID number, shown in the wallet, shared, verified, shown by QR, presented offline, revoked), every
 * table of the certificates database is dumped as text and searched for the claim values and the ID number — as
 * text and as the hex PostgreSQL prints bytea in — and for any JWT in clear; so is everything the service logged.
 */
@ExtendWith(OutputCaptureExtension.class)
class PlaintextScanIT extends FlowSupport {

    private static final String NAME = "欧阳测试名";
    private static final String BIRTH = "1977-11-23";
    private static final String ID_NUMBER = "44030519771123001X";

    @Test
    void noRowOrLogLineHoldsPersonalData(CapturedOutput output) {
        // the service's log lines reach the same console as this one: proof the capture sees them
        String marker = "scan-marker-" + UUID.randomUUID();
        org.slf4j.LoggerFactory.getLogger(PlaintextScanIT.class).info(marker);
        Agency agency = anAgency();
        String type = registerType(agency);
        Citizen citizen = aCitizen(agency.id());
        Map<String, Object> values = Map.of("full_name", NAME, "birth_date", BIRTH, "hours", 77.25, "level", 2);
        String credential = issue(agency, type, citizen, values);
        String ref = UUID.randomUUID().toString();
        verifiedWith(ID_NUMBER, ref);
        postIdempotent(agency.token(), "/v1/certificates/credentials", UUID.randomUUID().toString(),
                Map.of("type", type, "resident_id_number", ID_NUMBER, "claims", values)).expectStatus().isCreated();

        get(citizen.token(), "/v1/certificates/me/credentials/" + credential).expectStatus().isOk();
        get(citizen.token(), "/v1/certificates/me/credentials/" + credential + "/sd-jwt").expectStatus().isOk();
        Map<String, Object> request = request(agency, type, citizen, List.of("full_name", "birth_date"));
        approve(citizen, (String) request.get("id"), credential);
        verify(agency, presentation(agency, (String) request.get("id")), (String) request.get("nonce")).expectStatus().isOk();
        String qr = (String) json(post(citizen.token(), "/v1/certificates/me/credentials/" + credential + "/qr", null)
                .expectStatus().isCreated()).get("token");
        post(agency.token(), "/v1/certificates/qr-verifications", Map.of("token", qr)).expectStatus().isOk();
        post(citizen.token(), "/v1/certificates/me/credentials/" + credential + "/presentations",
                Map.of("audience", agency.id(), "nonce", "offline-nonce-1", "claims", List.of("full_name")))
                .expectStatus().isOk();
        // refused requests must not echo personal data into logs either
        postIdempotent(agency.token(), "/v1/certificates/credentials", UUID.randomUUID().toString(),
                Map.of("type", type, "resident_id_number", ID_NUMBER.replace('X', '9'), "claims", values))
                .expectStatus().isEqualTo(422);
        post(agency.token(), "/v1/certificates/credentials/" + credential + "/revoke", null).expectStatus().isOk();

        List<String> tables = TestInfrastructure.query(DATABASE, "select table_name from information_schema.tables"
                + " where table_schema = 'public' and table_type = 'BASE TABLE' order by table_name");
        assertThat(tables).contains("credential", "presentation_request", "consent", "access_event", "qr_token",
                "wallet_key", "signing_key", "idempotency_key", "status_list", "credential_type", "verified_nonce");
        List<String> needles = List.of(NAME, BIRTH, ID_NUMBER, "77.25");
        StringBuilder everything = new StringBuilder();
        for (String table : tables) {
            String dump = String.join("\n", TestInfrastructure.query(DATABASE,
                    "select coalesce(string_agg(t::text, E'\\n'), '') from \"" + table + "\" t"));
            for (String needle : needles) {
                assertThat(dump).as("table %s holds %s", table, needle).doesNotContain(needle)
                        .doesNotContain(hex(needle));
            }
            assertThat(dump).as("table %s holds a JWT in clear", table).doesNotContain("eyJ").doesNotContain(hex("eyJ"));
            everything.append(dump);
        }
        // the dump does show what is stored in clear: ids, type definitions, claim names
        assertThat(everything).contains(credential, type, citizen.ref(), "full_name");
        assertThat(output.getAll()).contains(marker);
        for (String needle : needles) {
            assertThat(output.getAll()).as("the log holds %s", needle).doesNotContain(needle);
        }
        assertThat(output.getAll()).as("the log holds a credential").doesNotContain("dc+sd-jwt\",");
    }

    private static String hex(String text) {
        return HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
    }
}
