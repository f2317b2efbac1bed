package org.civicstack.identity.assurance.verification;

import java.util.Locale;

/** Every reason the assurance API refuses a request, with its HTTP status; {@link #code()} is the problem {@code code}. */
public enum Refusal {
    INVALID_NAME(400, "Bad request"),
    INVALID_ID_NUMBER(400, "Invalid resident ID number"),
    CITIZEN_TOKEN_REQUIRED(403, "Citizen token required"),
    ACCOUNT_DISABLED(403, "Account disabled"),
    LEVEL_2_REQUIRED(403, "Identity verification required first"),
    FACE_VERIFICATION_NOT_FOUND(404, "Not found"),
    ALREADY_VERIFIED(409, "Already verified"),
    ALREADY_BOUND(409, "ID number bound to another account"),
    VERIFICATION_IN_PROGRESS(409, "Verification in progress"),
    FACE_VERIFICATION_PENDING(409, "Face capture not finished"),
    FACE_VERIFICATION_CLOSED(409, "Face verification closed"),
    FACE_VERIFICATION_EXPIRED(409, "Face verification expired"),
    IDENTITY_MISMATCH(422, "Identity not confirmed"),
    ID_NUMBER_MISMATCH(422, "Not the verified ID number"),
    FACE_MISMATCH(422, "Face not confirmed"),
    RATE_LIMITED(429, "Too many verification attempts"),
    AUTHORITY_UNAVAILABLE(503, "Real-name authority unavailable"),
    FACE_PROVIDER_UNAVAILABLE(503, "Face verification provider unavailable");

    private final int status;
    private final String title;

    Refusal(int status, String title) {
        this.status = status;
        this.title = title;
    }

    public int status() {
        return status;
    }

    public String title() {
        return title;
    }

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }
}
