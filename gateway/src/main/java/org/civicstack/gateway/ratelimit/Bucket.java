package org.civicstack.gateway.ratelimit;

import java.util.Objects;

/** One bucket a request must take a token from: its Redis key (also its name in the local fallback) and its limit. */
record Bucket(String key, RateLimit limit) {

    Bucket {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(limit, "limit");
    }
}
