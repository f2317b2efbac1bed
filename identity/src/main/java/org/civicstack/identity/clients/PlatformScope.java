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

    /** Read agencies and service definitions in the registry. */
    REGISTRY_READ("registry:read", EnumSet.allOf(ClientType.class)),
    /** Agencies manage their own organisation and service definitions. */
    REGISTRY_WRITE("registry:write", EnumSet.of(ClientType.AGENCY)),
    /** Operators approve, reject and suspend services. */
    REGISTRY_REVIEW("registry:review", EnumSet.of(ClientType.OPERATOR)),
    /** The gateway reads the routing snapshot and change feed. */
    REGISTRY_ROUTING("registry:routing", EnumSet.of(ClientType.PLATFORM, ClientType.OPERATOR));

    private final String value;
    private final Set<ClientType> grantableTo;

    PlatformScope(String value, Set<ClientType> grantableTo) {
        this.value = value;
        this.grantableTo = grantableTo;
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
