package org.civicstack.certificates.common;

/** The scopes this service checks (identity's PlatformScope grants them; application.yml lists them for OpenAPI). */
public final class Scopes {

    /** Agencies: register and maintain the credential types they issue. */
    public static final String TYPES = "certificates:types";
    /** Agencies: issue, re-issue, suspend and revoke credentials of their own types. */
    public static final String ISSUE = "certificates:issue";
    /** Agencies: request presentations from citizens, verify presentations and QR tokens. */
    public static final String VERIFY = "certificates:verify";
    /** Operators: signing key rotation. */
    public static final String OPERATE = "certificates:operate";

    private Scopes() {
    }
}
