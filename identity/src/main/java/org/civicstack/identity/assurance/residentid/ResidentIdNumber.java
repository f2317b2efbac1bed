package org.civicstack.identity.assurance.residentid;

import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Objects;
import java.util.Set;

/**
 * A resident identity card number (居民身份证号码) as GB 11643-1999 defines it, validated locally: 18 characters —
 * a 6-digit administrative region code, the birth date {@code YYYYMMDD}, a 3-digit sequence (odd for men, even for
 * women) and the ISO 7064 MOD 11-2 check character ({@code 0}–{@code 9} or {@code X}).
 *
 * <p>What is checked, and what is deliberately not:
 * <ul>
 *   <li>Region: the first two digits must be a province-level code in use (11–15, 21–23, 31–37, 41–46, 50–54, 61–65,
 *       71 Taiwan, 81 Hong Kong, 82 Macao, 83 residence permits for Hong Kong, Macao and Taiwan residents, GB/T 2260
 *       and the 2018 permit rules); this implies the first digit is 1–8. The remaining four digits (prefecture and
 *       county) are not checked against GB/T 2260: counties are renamed and merged, and numbers issued under a
 *       retired county code stay valid for life. The real-name authority is the judge of the full number.</li>
 *   <li>Birth date: a real calendar date, not before 1900-01-01 and not after today (China Standard Time).</li>
 *   <li>Input forms: surrounding whitespace is trimmed; a lower-case {@code x} is read as {@code X}; full-width
 *       digits {@code ０}–{@code ９} and {@code Ｘ}/{@code ｘ} (what a Chinese input method types in full-width mode) are
 *       read as their ASCII forms. Any other character — inner spaces, hyphens, other scripts' digits such as
 *       {@code ٣} — is {@link ResidentIdFailure#BAD_CHARACTERS}.</li>
 * </ul>
 *
 * <p>{@link #toString()} masks the number; {@link #value()} is the canonical form (upper-case {@code X}) for the
 * keyed hash and the real-name authority only.
 */
public final class ResidentIdNumber {

    static final ZoneId CHINA = ZoneId.of("Asia/Shanghai");
    static final int LENGTH = 18;
    private static final int[] WEIGHTS = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
    private static final String CHECK_CHARACTERS = "10X98765432";
    private static final LocalDate EARLIEST_BIRTH_DATE = LocalDate.of(1900, 1, 1);
    static final Set<Integer> PROVINCE_CODES = Set.of(
            11, 12, 13, 14, 15,
            21, 22, 23,
            31, 32, 33, 34, 35, 36, 37,
            41, 42, 43, 44, 45, 46,
            50, 51, 52, 53, 54,
            61, 62, 63, 64, 65,
            71, 81, 82, 83);

    private final String value;

    private ResidentIdNumber(String value) {
        this.value = value;
    }

    /** Parses typed input, with today's date in China for the "not in the future" rule. */
    public static ResidentIdNumber parse(String input) {
        return parse(input, LocalDate.now(CHINA));
    }

    /**
     * Parses {@code input}, checking the rules in the order of {@link ResidentIdFailure}.
     *
     * @throws InvalidResidentIdNumber naming the first rule that failed; never anything else, whatever the input
     */
    public static ResidentIdNumber parse(String input, LocalDate today) {
        Objects.requireNonNull(today, "today");
        if (input == null) {
            throw new InvalidResidentIdNumber(ResidentIdFailure.WRONG_LENGTH);
        }
        String text = input.strip();
        if (text.length() != LENGTH) {
            throw new InvalidResidentIdNumber(isLegacy(text) ? ResidentIdFailure.LEGACY_15_DIGIT
                    : ResidentIdFailure.WRONG_LENGTH);
        }
        char[] chars = new char[LENGTH];
        for (int i = 0; i < LENGTH; i++) {
            char c = normalise(text.charAt(i));
            boolean allowed = (c >= '0' && c <= '9') || (i == LENGTH - 1 && c == 'X');
            if (!allowed) {
                throw new InvalidResidentIdNumber(ResidentIdFailure.BAD_CHARACTERS);
            }
            chars[i] = c;
        }
        int province = digit(chars, 0) * 10 + digit(chars, 1);
        if (!PROVINCE_CODES.contains(province)) {
            throw new InvalidResidentIdNumber(ResidentIdFailure.BAD_REGION);
        }
        LocalDate birth = birthDate(chars);
        if (birth == null || birth.isBefore(EARLIEST_BIRTH_DATE) || birth.isAfter(today)) {
            throw new InvalidResidentIdNumber(ResidentIdFailure.BAD_BIRTH_DATE);
        }
        if (chars[LENGTH - 1] != checkCharacter(new String(chars, 0, LENGTH - 1))) {
            throw new InvalidResidentIdNumber(ResidentIdFailure.BAD_CHECK_CHARACTER);
        }
        return new ResidentIdNumber(new String(chars));
    }

    /** The ISO 7064 MOD 11-2 check character of 17 ASCII digits. */
    public static char checkCharacter(String first17) {
        if (first17.length() != LENGTH - 1) {
            throw new IllegalArgumentException("17 digits expected");
        }
        int sum = 0;
        for (int i = 0; i < LENGTH - 1; i++) {
            char c = first17.charAt(i);
            if (c < '0' || c > '9') {
                throw new IllegalArgumentException("17 digits expected");
            }
            sum += (c - '0') * WEIGHTS[i];
        }
        return CHECK_CHARACTERS.charAt(sum % 11);
    }

    private static boolean isLegacy(String text) {
        if (text.length() != 15) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = normalise(text.charAt(i));
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static char normalise(char c) {
        if (c >= '０' && c <= '９') {
            return (char) ('0' + (c - '０'));
        }
        if (c == 'x' || c == 'Ｘ' || c == 'ｘ') {
            return 'X';
        }
        return c;
    }

    private static int digit(char[] chars, int index) {
        return chars[index] - '0';
    }

    private static LocalDate birthDate(char[] chars) {
        int year = digit(chars, 6) * 1000 + digit(chars, 7) * 100 + digit(chars, 8) * 10 + digit(chars, 9);
        int month = digit(chars, 10) * 10 + digit(chars, 11);
        int day = digit(chars, 12) * 10 + digit(chars, 13);
        try {
            return LocalDate.of(year, month, day);
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The canonical 18 characters, upper-case {@code X}: for hashing and for the real-name authority only. */
    public String value() {
        return value;
    }

    /** The birth date the number encodes. */
    public LocalDate birthDate() {
        return birthDate(value.toCharArray());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ResidentIdNumber that && value.equals(that.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    /** Masked: the province code and the check character only ({@code ResidentIdNumber[11***************X]}). */
    @Override
    public String toString() {
        return "ResidentIdNumber[" + value.substring(0, 2) + "*".repeat(LENGTH - 3) + value.charAt(LENGTH - 1) + "]";
    }
}
