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

    /** Refused with {@code problem} (its challenge header included). */
    record Denied(ApiProblem problem) implements AccessDecision {
    }

    AccessDecision ANONYMOUS = new Anonymous();
}
