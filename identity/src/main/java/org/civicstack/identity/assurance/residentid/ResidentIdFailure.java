package org.civicstack.identity.assurance.residentid;

import java.util.Locale;

/**
 * Why a text is not a valid resident ID number, one value per rule of GB 11643-1999 that {@link ResidentIdNumber#parse}
 * checks, in the order they are checked. The {@link #code()} is stable: it is the {@code reason} of the citizen API's
 * {@code invalid_id_number} problem.
 */
public enum ResidentIdFailure {

    /** Not 18 characters after trimming surrounding whitespace (and not a 15-digit legacy number either). */
    WRONG_LENGTH("The number must have 18 characters."),
    /** 15 digits: a first-generation number (GB 11643-1989), no longer accepted; the card holder has an 18-character one. */
    LEGACY_15_DIGIT("15-digit first-generation numbers are no longer accepted; use the 18-character number."),
    /** Something other than 17 digits followed by a digit or {@code X}. */
    BAD_CHARACTERS("The number must be 17 digits followed by a digit or X."),
    /** The first two digits are not a province-level region code. */
    BAD_REGION("The number does not start with a valid region code."),
    /** Characters 7–14 are not a real date between 1900-01-01 and today. */
    BAD_BIRTH_DATE("The number does not contain a valid birth date."),
    /** The last character is not the ISO 7064 MOD 11-2 check character of the first 17 digits. */
    BAD_CHECK_CHARACTER("The check character does not match; please re-check the number.");

    private final String message;

    ResidentIdFailure(String message) {
        this.message = message;
    }

    /** snake_case, e.g. {@code bad_check_character}. */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** A sentence for the citizen; never contains the number. */
    public String message() {
        return message;
    }
}
