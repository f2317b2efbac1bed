package org.civicstack.identity.assurance.residentid;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz test of the parser. In {@code mvn verify} it runs in regression mode over the committed seeds
 * ({@code src/test/resources/.../ResidentIdNumberFuzzTestInputs/parserNeverThrowsAnythingButItsTypedFailure});
 * {@code JAZZER_FUZZ=1} fuzzes for real. Seeds are raw UTF-8 files, so they read as the text they test.
 */
class ResidentIdNumberFuzzTest {

    static final LocalDate TODAY = LocalDate.of(2026, 12, 2);

    @FuzzTest(maxDuration = "60s")
    void parserNeverThrowsAnythingButItsTypedFailure(byte[] data) {
        String input = new String(data, StandardCharsets.UTF_8);
        ResidentIdNumber parsed;
        try {
            parsed = ResidentIdNumber.parse(input, TODAY);
        } catch (InvalidResidentIdNumber e) {
            assertThat(e.reason()).isNotNull();
            assertThat(e.getMessage()).isEqualTo(e.reason().message());
            return;
        }
        String canonical = parsed.value();
        assertThat(canonical).hasSize(18).matches("[1-8][0-9]{16}[0-9X]");
        assertThat(ResidentIdNumber.parse(canonical, TODAY)).isEqualTo(parsed);
        assertThat(ResidentIdNumber.checkCharacter(canonical.substring(0, 17))).isEqualTo(canonical.charAt(17));
        assertThat(parsed.birthDate()).isBetween(LocalDate.of(1900, 1, 1), TODAY);
        assertThat(parsed.toString()).doesNotContain(canonical.substring(2, 17));
    }
}
