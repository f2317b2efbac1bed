package org.civicstack.platform.error;

import java.util.regex.Pattern;

/**
 * The stable, snake_case {@code code} values every service shares, and the default code for each HTTP status.
 * Domain codes ({@code service_not_found}) live with their domain; these are the generic ones.
 */
public final class ProblemCodes {

    public static final String MALFORMED_REQUEST = "malformed_request";
    public static final String VALIDATION_FAILED = "validation_failed";
    public static final String UNAUTHORIZED = "unauthorized";
    public static final String FORBIDDEN = "forbidden";
    public static final String NOT_FOUND = "not_found";
    public static final String METHOD_NOT_ALLOWED = "method_not_allowed";
    public static final String NOT_ACCEPTABLE = "not_acceptable";
    public static final String CONFLICT = "conflict";
    public static final String GONE = "gone";
    public static final String PAYLOAD_TOO_LARGE = "payload_too_large";
    public static final String UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type";
    public static final String UNPROCESSABLE = "unprocessable";
    public static final String RATE_LIMITED = "rate_limited";
    public static final String INTERNAL_ERROR = "internal_error";
    public static final String BAD_GATEWAY = "bad_gateway";
    public static final String SERVICE_UNAVAILABLE = "service_unavailable";
    public static final String GATEWAY_TIMEOUT = "gateway_timeout";

    private static final Pattern CODE = Pattern.compile("[a-z][a-z0-9_]{1,63}");

    private ProblemCodes() {
    }

    static String requireValid(String code) {
        if (code == null || !CODE.matcher(code).matches()) {
            throw new IllegalArgumentException("problem code must be snake_case: " + code);
        }
        return code;
    }

    /** The code used when nothing more specific is known about an error with this status. */
    public static String forStatus(int status) {
        return switch (status) {
            case 400 -> MALFORMED_REQUEST;
            case 401 -> UNAUTHORIZED;
            case 403 -> FORBIDDEN;
            case 404 -> NOT_FOUND;
            case 405 -> METHOD_NOT_ALLOWED;
            case 406 -> NOT_ACCEPTABLE;
            case 409 -> CONFLICT;
            case 410 -> GONE;
            case 413 -> PAYLOAD_TOO_LARGE;
            case 415 -> UNSUPPORTED_MEDIA_TYPE;
            case 422 -> UNPROCESSABLE;
            case 429 -> RATE_LIMITED;
            case 502 -> BAD_GATEWAY;
            case 503 -> SERVICE_UNAVAILABLE;
            case 504 -> GATEWAY_TIMEOUT;
            default -> status >= 500 ? INTERNAL_ERROR : MALFORMED_REQUEST;
        };
    }

    /** A short English title for a status, used when an exception carries none. */
    public static String titleFor(int status) {
        return switch (status) {
            case 400 -> "Bad request";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 404 -> "Not found";
            case 405 -> "Method not allowed";
            case 406 -> "Not acceptable";
            case 409 -> "Conflict";
            case 410 -> "Gone";
            case 413 -> "Payload too large";
            case 415 -> "Unsupported media type";
            case 422 -> "Unprocessable request";
            case 429 -> "Too many requests";
            case 502 -> "Bad gateway";
            case 503 -> "Service unavailable";
            case 504 -> "Gateway timeout";
            default -> status >= 500 ? "Internal error" : "Bad request";
        };
    }
}
