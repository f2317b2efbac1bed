package org.civicstack.identity.clients;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Every scope a client can be granted, with the client types allowed to hold it. Narrow scopes per API
 * (architecture.md, "Security model"); the table is the separation of duties: an agency never reviews its own
 * services, and only platform components read the routing feed.
 */
public enum PlatformScope {

    REGISTRY_READ("registry:read", EnumSet.of(ClientType.AGENCY, ClientType.OPERATOR, ClientType.PLATFORM),
            "read agencies and service definitions in the registry (an agency: its own)"),
    REGISTRY_WRITE("registry:write", EnumSet.of(ClientType.AGENCY),
            "agencies: register and maintain their own service definitions"),
    REGISTRY_REVIEW("registry:review", EnumSet.of(ClientType.OPERATOR),
            "operators: register agencies; approve, reject, suspend, resume, retire and roll back services"),
    REGISTRY_ROUTING("registry:routing", EnumSet.of(ClientType.PLATFORM, ClientType.OPERATOR),
            "gateways: read the registry's routing snapshot and change feed"),
    PAYMENTS_CREATE("payments:create", EnumSet.of(ClientType.AGENCY),
            "agencies: make out payment orders to citizens"),
    PAYMENTS_READ("payments:read", EnumSet.of(ClientType.AGENCY),
            "agencies: read their own payment orders, refunds and webhook deliveries"),
    PAYMENTS_REFUND("payments:refund", EnumSet.of(ClientType.AGENCY),
            "agencies: refund their own payments"),
    PAYMENTS_MERCHANT("payments:merchant", EnumSet.of(ClientType.AGENCY),
            "agencies: manage their merchant account, channel accounts and webhook secret"),
    PAYMENTS_OPERATE("payments:operate", EnumSet.of(ClientType.OPERATOR),
            "operators: the payments ledger check, alerts and reconciliation reports"),
    CERTIFICATES_TYPES("certificates:types", EnumSet.of(ClientType.AGENCY),
            "agencies: register and maintain the credential types they issue"),
    CERTIFICATES_ISSUE("certificates:issue", EnumSet.of(ClientType.AGENCY),
            "agencies: issue, re-issue, suspend and revoke credentials of their own types"),
    CERTIFICATES_VERIFY("certificates:verify", EnumSet.of(ClientType.AGENCY),
            "agencies: request presentations from citizens and verify credentials and QR tokens"),
    CERTIFICATES_OPERATE("certificates:operate", EnumSet.of(ClientType.OPERATOR),
            "operators: the certificates key rotation and status-list operations"),
    IDENTITY_INTROSPECT("identity:introspect", EnumSet.of(ClientType.PLATFORM, ClientType.OPERATOR),
            "platform components and operators: introspect tokens at /oauth2/introspect (RFC 7662)"),
    IDENTITY_KEYS("identity:keys", EnumSet.of(ClientType.OPERATOR),
            "operators: rotate the token signing key"),
    IDENTITY_TOKEN_EXCHANGE("identity:token-exchange", EnumSet.of(ClientType.PLATFORM),
            "the gateway: exchange a citizen's access token for an agency assertion (RFC 8693)"),
    IDENTITY_RESOLVE("identity:resolve", EnumSet.of(ClientType.PLATFORM),
            "payments, certificates: resolve an agency's pairwise citizen subject to a platform reference"),
    IDENTITY_CLIENTS("identity:clients", EnumSet.of(ClientType.OPERATOR),
            "operators: register, rotate, disable and enable OAuth clients"),
    AUDIT_READ("audit:read", EnumSet.of(ClientType.OPERATOR),
            "security teams: search the token audit log, its checkpoints and proofs"),
    AUDIT_REVOKE("audit:revoke", EnumSet.of(ClientType.OPERATOR),
            "security teams: revoke a token, session, citizen or client everywhere");

    private final String value;
    private final Set<ClientType> grantableTo;
    private final String description;

    PlatformScope(String value, Set<ClientType> grantableTo, String description) {
        this.value = value;
        this.grantableTo = grantableTo;
        this.description = description;
    }

    /** What the scope allows, for people: the OpenAPI document's scope list. */
    public String description() {
        return description;
    }

    /** The scope as it appears in requests and in the {@code scope} claim. */
    public String value() {
        return value;
    }

    public boolean grantableTo(ClientType type) {
        return grantableTo.contains(type);
    }

    public static Optional<PlatformScope> fromValue(String value) {
        return Arrays.stream(values()).filter(scope -> scope.value.equals(value)).findFirst();
    }
}
