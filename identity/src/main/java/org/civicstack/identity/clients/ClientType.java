package org.civicstack.identity.clients;

import java.util.Locale;

/**
 * Who a confidential client acts for. Carried in every access token as the {@code client_type} claim so a
 * resource server can apply rules such as "an agency only manages its own services".
 */
public enum ClientType {

    /** An integrating agency (a municipal unit, district, hospital, state-owned enterprise). */
    AGENCY,
    /** The platform's operations team and its tools (review, publish, suspend). */
    OPERATOR,
    /** A platform component calling another one (e.g. the gateway reading the routing feed). */
    PLATFORM,
    /** The citizen app: a public client (auth method {@code none}), authorization code with PKCE + refresh tokens. */
    CITIZEN_APP;

    /** The value of the {@code client_type} claim: lower case, as API enumerations are. */
    public String claimValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static ClientType fromClaimValue(String value) {
        for (ClientType type : values()) {
            if (type.claimValue().equals(value)) {
                return type;
            }
        }
        throw new IllegalArgumentException("unknown client type: " + value);
    }
}
