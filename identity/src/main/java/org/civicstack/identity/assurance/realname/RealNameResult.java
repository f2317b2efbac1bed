package org.civicstack.identity.assurance.realname;

/** What the real-name authority said. {@code reference} is the provider's order number for the call, when it gave one. */
public sealed interface RealNameResult {

    /** Name and number belong together. */
    record Match(String reference) implements RealNameResult {
    }

    /**
     * Name and number do not belong together ({@code inconsistent}), or the number is not in the register
     * ({@code not_found}).
     */
    record NoMatch(String reference, Reason reason) implements RealNameResult {

        public enum Reason {
            INCONSISTENT, NOT_FOUND;

            public String code() {
                return name().toLowerCase(java.util.Locale.ROOT);
            }
        }
    }

    /** The authority could not be asked or did not answer usefully (timeout, 5xx, 429, garbled answer): try later. */
    record Unavailable(String reason) implements RealNameResult {
    }

    /** The authority refused our request (bad credentials or signature, malformed request): a configuration fault. */
    record Rejected(int status, String reason) implements RealNameResult {
    }
}
