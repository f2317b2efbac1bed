package org.civicstack.certificates.statuslist;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where a credential's status lives: entry {@code index} of the Status List Token at {@code uri}
 * (draft-ietf-oauth-status-list-21 §6.2, the {@code status.status_list} claim {@code {"idx": …, "uri": …}}).
 */
public record StatusReference(int index, URI uri) {

    public StatusReference {
        Objects.requireNonNull(uri, "uri");
        if (index < 0) {
            throw new IllegalArgumentException("a status list index is not negative");
        }
        if (!uri.isAbsolute()) {
            throw new IllegalArgumentException("a status list uri is absolute: " + uri);
        }
    }

    /** The {@code status} claim value: {@code {"status_list": {"idx": index, "uri": uri}}}. */
    public Map<String, Object> toClaim() {
        Map<String, Object> statusList = new LinkedHashMap<>();
        statusList.put("idx", (long) index);
        statusList.put("uri", uri.toString());
        return Map.of("status_list", statusList);
    }
}
