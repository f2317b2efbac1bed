package org.civicstack.identity.assurance.residentid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.stream.Stream;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** GB 11643-1999 corpus: every valid number here gets its check character computed, not copied. */
class ResidentIdNumberTest {

    static final LocalDate TODAY = LocalDate.of(2026, 12, 2);

    /** The first 17 digits plus the check character the independent computation below gives. */
    static String valid(String first17) {
        return first17 + independentCheck(first17);
    }

    /** ISO 7064 MOD 11-2 written out from the standard: Σ aᵢ·2^(17-i) mod 11, then (12 − s) mod 11, 10 → X. */
    static char independentCheck(String first17) {
        int s = 0;
        for (int i = 0; i < 17; i++) {
            int weight = (1 << (17 - i)) % 11;
            s += (first17.charAt(i) - '0') * weight;
        }
        int check = (12 - (s % 11)) % 11;
        return check == 10 ? 'X' : (char) ('0' + check);
    }

    static Stream<String> validNumbers() {
        return Stream.of(
                valid("11010519491231002"),   // Beijing Chaoyang, check X
                valid("31011520000229001"),   // 2000 is a leap year
                valid("65010219900101123"),   // Xinjiang
                valid("81000019991231000"),   // Hong Kong
                valid("82000020010101001"),   // Macao
                valid("83000020100615004"),   // residence permit
                valid("71000019000101001"),   // earliest birth date
                valid("46010020261202001"));  // born today
    }

    @Nested
    class Valid {

        @ParameterizedTest
        @MethodSource("org.civicstack.identity.assurance.residentid.ResidentIdNumberTest#validNumbers")
        void isAcceptedInItsCanonicalForm(String number) {
            assertThat(ResidentIdNumber.parse(number, TODAY).value()).isEqualTo(number);
        }

        @Test
        void knownPublishedExampleHasCheckCharacterX() {
            assertThat(valid("11010519491231002")).isEqualTo("11010519491231002X");
            assertThat(ResidentIdNumber.checkCharacter("11010519491231002")).isEqualTo('X');
        }

        @Test
        void lowerCaseXIsReadAsUpperCase() {
            assertThat(ResidentIdNumber.parse("11010519491231002x", TODAY).value()).isEqualTo("11010519491231002X");
        }

        @Test
        void surroundingWhitespaceIsTrimmed() {
            assertThat(ResidentIdNumber.parse("  11010519491231002X\t", TODAY).value()).isEqualTo("11010519491231002X");
        }

        @Test
        void fullWidthDigitsAndXAreNormalised() {
            assertThat(ResidentIdNumber.parse("１１０１０５１９４９１２３１００２ｘ", TODAY).value())
                    .isEqualTo("11010519491231002X");
        }

        @Test
        void birthDateIsRead() {
            assertThat(ResidentIdNumber.parse("11010519491231002X", TODAY).birthDate()).isEqualTo(LocalDate.of(1949, 12, 31));
        }

        @Test
        void toStringNeverShowsTheNumber() {
            assertThat(ResidentIdNumber.parse("11010519491231002X", TODAY).toString())
                    .doesNotContain("010519491231002").isEqualTo("ResidentIdNumber[11***************X]");
        }

        @Test
        void equalNumbersAreEqualWhateverTheInputForm() {
            assertThat(ResidentIdNumber.parse("11010519491231002x", TODAY))
                    .isEqualTo(ResidentIdNumber.parse("11010519491231002X", TODAY))
                    .hasSameHashCodeAs(ResidentIdNumber.parse("11010519491231002X", TODAY));
        }
    }

    static Stream<Arguments> invalidNumbers() {
        return Stream.of(
                Arguments.of(null, ResidentIdFailure.WRONG_LENGTH),
                Arguments.of("", ResidentIdFailure.WRONG_LENGTH),
                Arguments.of("1101051949123100", ResidentIdFailure.WRONG_LENGTH),
                Arguments.of("11010519491231002X0", ResidentIdFailure.WRONG_LENGTH),
                Arguments.of("110105491231002", ResidentIdFailure.LEGACY_15_DIGIT),
                Arguments.of("１１０１０５４９１２３１００２", ResidentIdFailure.LEGACY_15_DIGIT),
                Arguments.of("11010X19491231002X", ResidentIdFailure.BAD_CHARACTERS),
                Arguments.of("110105 9491231002X", ResidentIdFailure.BAD_CHARACTERS),
                Arguments.of("110105-949123100-X", ResidentIdFailure.BAD_CHARACTERS),
                Arguments.of("1101051949123100٢X", ResidentIdFailure.BAD_CHARACTERS), // Arabic-Indic digit two
                Arguments.of("11010519491231002Y", ResidentIdFailure.BAD_CHARACTERS),
                Arguments.of(valid("01010519491231002"), ResidentIdFailure.BAD_REGION),
                Arguments.of(valid("91010519491231002"), ResidentIdFailure.BAD_REGION),
                Arguments.of(valid("16010519491231002"), ResidentIdFailure.BAD_REGION),
                Arguments.of(valid("84010519491231002"), ResidentIdFailure.BAD_REGION),
                Arguments.of(valid("11010519900230001"), ResidentIdFailure.BAD_BIRTH_DATE), // Feb 30
                Arguments.of(valid("11010520010229001"), ResidentIdFailure.BAD_BIRTH_DATE), // 2001 not a leap year
                Arguments.of(valid("11010519001301001"), ResidentIdFailure.BAD_BIRTH_DATE), // month 13
                Arguments.of(valid("11010519900000001"), ResidentIdFailure.BAD_BIRTH_DATE), // month 0
                Arguments.of(valid("11010519900100001"), ResidentIdFailure.BAD_BIRTH_DATE), // day 0
                Arguments.of(valid("11010518991231001"), ResidentIdFailure.BAD_BIRTH_DATE), // before 1900
                Arguments.of("440524188001010014", ResidentIdFailure.BAD_BIRTH_DATE), // correct check, born 1880
                Arguments.of(valid("11010520261203001"), ResidentIdFailure.BAD_BIRTH_DATE), // tomorrow
                Arguments.of("110105194912310021", ResidentIdFailure.BAD_CHECK_CHARACTER),
                Arguments.of("110105194912310029", ResidentIdFailure.BAD_CHECK_CHARACTER),
                Arguments.of("650102199001011230", ResidentIdFailure.BAD_CHECK_CHARACTER));
    }

    @ParameterizedTest
    @MethodSource("invalidNumbers")
    void invalidNumberIsRefusedWithTheReasonOfTheFirstFailingRule(String input, ResidentIdFailure reason) {
        assertThatThrownBy(() -> ResidentIdNumber.parse(input, TODAY))
                .isInstanceOfSatisfying(InvalidResidentIdNumber.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @ParameterizedTest
    @ValueSource(strings = {"11010519491231002X", "110105194912310021", "11010519900230001X"})
    void exceptionMessageNeverContainsTheInput(String input) {
        try {
            ResidentIdNumber.parse(input, TODAY);
        } catch (InvalidResidentIdNumber e) {
            assertThat(e.getMessage()).doesNotContain(input.substring(6, 14)).isEqualTo(e.reason().message());
            return;
        }
        assertThat(input).as("a valid input has nothing to hide").isEqualTo("11010519491231002X");
    }

    @Test
    void everySingleDigitChangeOfAValidNumberIsCaught() {
        String number = "11010519491231002X";
        for (int i = 0; i < 17; i++) {
            for (char d = '0'; d <= '9'; d++) {
                if (d == number.charAt(i)) {
                    continue;
                }
                String changed = number.substring(0, i) + d + number.substring(i + 1);
                assertThatThrownBy(() -> ResidentIdNumber.parse(changed, TODAY)).as(changed)
                        .isInstanceOf(InvalidResidentIdNumber.class);
            }
        }
    }

    @Test
    void failureCodesAreSnakeCase() {
        assertThat(ResidentIdFailure.BAD_CHECK_CHARACTER.code()).isEqualTo("bad_check_character");
        assertThat(ResidentIdFailure.LEGACY_15_DIGIT.code()).isEqualTo("legacy_15_digit");
    }
}
