package org.civicstack.identity.assurance;

import java.text.Normalizer;
import java.util.Objects;

/**
 * A citizen's name as on the resident identity card: 1–50 letters of any script after NFC normalisation and trimming,
 * with the separators names really contain — the middle dot of minority and transliterated names ({@code ·},
 * also typed as {@code •} or {@code ・}), spaces and hyphens between letters. {@link #toString()} masks it.
 */
public record PersonName(String value) {

    public static final int MAX_LENGTH = 50;

    public PersonName {
        Objects.requireNonNull(value, "name");
        if (!isValid(value)) {
            throw new InvalidPersonName();
        }
    }

    /** Normalises typed input (NFC, trimmed, {@code •}/{@code ・} → {@code ·}) and validates it. */
    public static PersonName parse(String input) {
        if (input == null) {
            throw new InvalidPersonName();
        }
        String text = Normalizer.normalize(input, Normalizer.Form.NFC).strip().replace('•', '·').replace('・', '·');
        return new PersonName(text);
    }

    private static boolean isValid(String text) {
        int length = text.codePointCount(0, text.length());
        if (length < 1 || length > MAX_LENGTH) {
            return false;
        }
        int previous = -1;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            boolean letter = Character.isLetter(cp) || Character.getType(cp) == Character.NON_SPACING_MARK;
            boolean separator = cp == '·' || cp == ' ' || cp == '-';
            if (!letter && !separator) {
                return false;
            }
            if (separator && (previous == -1 || !Character.isLetter(previous) && Character.getType(previous) != Character.NON_SPACING_MARK)) {
                return false;
            }
            previous = cp;
            i += Character.charCount(cp);
        }
        return Character.isLetter(previous) || Character.getType(previous) == Character.NON_SPACING_MARK;
    }

    @Override
    public String toString() {
        return "PersonName[" + value.codePoints().limit(1).collect(StringBuilder::new, StringBuilder::appendCodePoint,
                StringBuilder::append) + "*]";
    }

    /** Not a name as the card carries one; the message never repeats the input. */
    public static final class InvalidPersonName extends IllegalArgumentException {
        public InvalidPersonName() {
            super("The name must be 1-" + MAX_LENGTH + " letters as on the resident identity card "
                    + "(middle dot, space or hyphen only between letters).");
        }
    }
}
