package org.civicstack.certificates.statuslist;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * The content of a Status List Token (draft-ietf-oauth-status-list-21 §5.1): {@code sub} = {@code uri} (the URI
 * credentials reference), {@code iat}, optional {@code exp} and {@code ttl} (how long a relying party may cache it),
 * and the list itself ({@code status_list: {bits, lst}}).
 *
 * @param uri        the token's {@code sub}: the exact URI in the credentials' {@code status.status_list.uri}
 * @param issuedAt   {@code iat}, second precision
 * @param expiresAt  {@code exp}, or {@code null}
 * @param timeToLive {@code ttl} (whole seconds, positive), or {@code null}
 * @param list       the statuses
 */
public record StatusListToken(URI uri, Instant issuedAt, Instant expiresAt, Duration timeToLive, StatusList list) {

    /** The JOSE {@code typ} of a Status List Token. */
    public static final String TYPE = "statuslist+jwt";

    public StatusListToken {
        Objects.requireNonNull(uri, "uri");
        Objects.requireNonNull(issuedAt, "issuedAt");
        Objects.requireNonNull(list, "list");
        if (expiresAt != null && !expiresAt.isAfter(issuedAt)) {
            throw new IllegalArgumentException("exp must be after iat");
        }
        if (timeToLive != null && (timeToLive.isNegative() || timeToLive.isZero())) {
            throw new IllegalArgumentException("ttl must be positive");
        }
    }
}
