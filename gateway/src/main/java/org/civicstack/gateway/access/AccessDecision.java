package org.civicstack.gateway.access;

import org.civicstack.platform.error.ApiProblem;

/** What access enforcement decided for one request. */
public sealed interface AccessDecision {

    /** The service is anonymous: no citizen, nothing to assert. */
    record Anonymous() implements AccessDecision {
    }

    /** A verified citizen meeting the service's requirement; {@code bearer} is the presented token (a secret). */
    record Citizen(CitizenToken token, String bearer) implements AccessDecision {
        @Override
        public String toString() {
            return "Citizen[" + token + "]";
        }
    }

    /**
     * Refused with {@code problem} (its challenge header included). {@code token} is the verified token when the
     * refusal came after verification (revoked, level too low, scope missing), so the usage record and the audit log
     * name it; {@code reason} is the gateway's own reason, finer than the problem code for revocations
     * ({@code revoked_token}, {@code revoked_session}, {@code revoked_citizen}, {@code revoked_client},
     * {@code revocation_unverified}).
     */
    record Denied(ApiProblem problem, CitizenToken token, String reason) implements AccessDecision {

        /** A refusal before (or of) verification: no token, the problem code as the reason. */
        public Denied(ApiProblem problem) {
            this(problem, null, problem.code());
        }

        /** A refusal of a verified token, for the problem code's reason. */
        public Denied(ApiProblem problem, CitizenToken token) {
            this(problem, token, problem.code());
        }
    }

    AccessDecision ANONYMOUS = new Anonymous();
}
