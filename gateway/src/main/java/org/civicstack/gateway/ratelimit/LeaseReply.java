package org.civicstack.gateway.ratelimit;

import java.util.List;

/**
 * The token-lease script's answer for {@code n} keys: {@code {wait, granted_1, left_1, wait_1, …}} (see
 * {@code token-bucket.lua}), for a call that asked every key for at least one token. Spring Data Redis may hand the
 * multi-bulk reply over as one list or as its elements; both are accepted.
 */
final class LeaseReply {

    private final long[] values;

    private LeaseReply(long[] values) {
        this.values = values;
    }

    static LeaseReply parse(List<?> reply, int keys) {
        List<?> elements = reply.size() == 1 && reply.get(0) instanceof List<?> nested ? nested : reply;
        if (elements.size() != 1 + 3 * keys) {
            throw new IllegalStateException("unexpected rate-limit script reply for " + keys + " keys: " + reply);
        }
        long[] values = new long[elements.size()];
        for (int i = 0; i < values.length; i++) {
            if (!(elements.get(i) instanceof Number number) || number.longValue() < 0) {
                throw new IllegalStateException("unexpected rate-limit script reply for " + keys + " keys: " + reply);
            }
            values[i] = number.longValue();
        }
        LeaseReply parsed = new LeaseReply(values);
        if (!parsed.refused()) {
            for (int i = 0; i < keys; i++) {
                if (parsed.granted(i) < 1) {
                    throw new IllegalStateException("rate-limit script granted no token without a wait: " + reply);
                }
            }
        }
        return parsed;
    }

    /** Whether Redis refused: nothing was taken from any key. */
    boolean refused() {
        return values[0] > 0;
    }

    /** Milliseconds until every refusing key holds a token; 0 when granted. */
    long waitMillis() {
        return values[0];
    }

    /** Tokens taken from key {@code i} (0-based). */
    long granted(int i) {
        return values[1 + 3 * i];
    }

    /** Whole tokens left in key {@code i} afterwards. */
    long left(int i) {
        return values[2 + 3 * i];
    }

    /** Milliseconds until key {@code i} holds one token; 0 if it holds one. */
    long waitMillis(int i) {
        return values[3 + 3 * i];
    }
}
