package org.civicstack.gateway.routing;

import java.util.List;

/**
 * The platform services behind the gateway and the public paths each one owns (architecture.md, "Request flow").
 * These are the only gateway routes; agency services are dispatched through an index, never as routes.
 */
public enum PlatformService {

    IDENTITY("identity", List.of("/oauth2/**", "/.well-known/**", "/login", "/login/**", "/userinfo", "/v1/identity/**")),
    SERVICES_REGISTRY("services-registry", List.of("/v1/registry/**", "/v1/catalog/**")),
    PAYMENTS("payments", List.of("/v1/payments/**")),
    CERTIFICATES("certificates", List.of("/v1/certificates/**"));

    private final String id;
    private final List<String> paths;

    PlatformService(String id, List<String> paths) {
        this.id = id;
        this.paths = paths;
    }

    /** Stable name: the route id, the key under {@code civicstack.gateway.upstreams}, the health component. */
    public String id() {
        return id;
    }

    public List<String> paths() {
        return paths;
    }
}
