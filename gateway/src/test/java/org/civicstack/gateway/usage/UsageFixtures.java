package org.civicstack.gateway.usage;

import org.civicstack.gateway.usage.UsageRecorder.Usage;

/** Usage records for tests: a successful GET unless told otherwise. */
final class UsageFixtures {

    private String service = "svc-appointments";
    private int status = 200;
    private long latencyMicros = 1_500;
    private String requestId = "req-1";
    private String caller = "caller-opaque-1";
    private String jti;
    private String sid;
    private String subject;
    private String clientId;
    private String agencyId;
    private String refusal;

    private UsageFixtures() {
    }

    static UsageFixtures aUsage() {
        return new UsageFixtures();
    }

    UsageFixtures withService(String service) {
        this.service = service;
        return this;
    }

    UsageFixtures withStatus(int status) {
        this.status = status;
        return this;
    }

    UsageFixtures withLatencyMicros(long latencyMicros) {
        this.latencyMicros = latencyMicros;
        return this;
    }

    UsageFixtures withRequestId(String requestId) {
        this.requestId = requestId;
        return this;
    }

    UsageFixtures withCaller(String caller) {
        this.caller = caller;
        return this;
    }

    /** A request on a citizen service: the verified token's identifiers. */
    UsageFixtures withCitizen(String jti, String sid, String subject, String clientId) {
        this.jti = jti;
        this.sid = sid;
        this.subject = subject;
        this.clientId = clientId;
        return this;
    }

    /** The service's agency and the gateway's refusal reason (null: none). */
    UsageFixtures withAgencyAndRefusal(String agencyId, String refusal) {
        this.agencyId = agencyId;
        this.refusal = refusal;
        return this;
    }

    Usage build() {
        return new Usage(service, status, latencyMicros, "GET", requestId, caller, 1_767_225_600_000L, jti, sid,
                subject, clientId, agencyId, refusal);
    }
}
