package org.civicstack.platform.web;

import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * The request id every response carries in {@value #HEADER}. A caller-supplied id is kept when it is short and
 * plain (so an app or agency can correlate its own logs); anything else is replaced by a fresh one.
 */
public final class RequestIds {

    public static final String HEADER = "X-Request-Id";
    /** Exchange/request attribute holding the id; read it through {@link #ATTRIBUTE}, never a literal. */
    public static final String ATTRIBUTE = RequestIds.class.getName() + ".requestId";
    /** Logging MDC key (servlet stack). */
    public static final String MDC_KEY = "request_id";

    private static final Pattern ACCEPTABLE = Pattern.compile("[A-Za-z0-9._:-]{8,128}");

    private RequestIds() {
    }

    public static String acceptOrCreate(String supplied) {
        if (supplied != null && ACCEPTABLE.matcher(supplied).matches()) {
            return supplied;
        }
        return create();
    }

    /**
     * A fresh id in UUID form. Request ids correlate log lines; they are not secrets, so they come from a fast
     * thread-local generator rather than {@code SecureRandom}, which would serialise the gateway's event loops.
     */
    public static String create() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L; // IETF variant
        return new UUID(high, low).toString();
    }
}
