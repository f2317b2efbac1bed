package org.civicstack.identity.assurance.face;

/** What the provider says about a started verification. */
public sealed interface FaceResult {

    /** The citizen has not finished the capture in the app yet. */
    record Pending() implements FaceResult {
    }

    /**
     * The capture is done.
     *
     * @param livenessPassed the provider judged the face live (not a photo, screen or mask)
     * @param matchScore similarity 0–100 between the live face and the authority's photo of the identity
     */
    record Finished(boolean livenessPassed, double matchScore) implements FaceResult {
    }

    /** The provider session ran out before the capture finished. */
    record Expired() implements FaceResult {
    }

    record Unavailable(String reason) implements FaceResult {
    }

    record Rejected(int status, String reason) implements FaceResult {
    }
}
