package org.civicstack.platform.security;

import org.springframework.security.oauth2.jwt.JwtTypeValidator;

/**
 * The JWS {@code typ} every platform access token carries: {@code at+jwt} (RFC 9068 §2.1). Resource servers MUST
 * check it (RFC 9068 §4) so that another JWT signed by the same key (an ID token, a client assertion) is never taken
 * for an access token. Spring Security 7's default validators accept only {@code JWT} or no {@code typ}, which would
 * refuse our tokens and accept ID tokens; use {@link #validator()} instead.
 */
public final class AccessTokenType {

    /** The header value identity writes. */
    public static final String AT_JWT = "at+jwt";
    /** The long form RFC 9068 also allows. */
    public static final String APPLICATION_AT_JWT = "application/at+jwt";

    private AccessTokenType() {
    }

    /** Accepts {@code at+jwt} and {@code application/at+jwt}; refuses any other {@code typ} and a missing one. */
    public static JwtTypeValidator validator() {
        return new JwtTypeValidator(AT_JWT, APPLICATION_AT_JWT);
    }
}
