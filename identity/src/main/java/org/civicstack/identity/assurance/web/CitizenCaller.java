package org.civicstack.identity.assurance.web;

import org.civicstack.identity.assurance.verification.AssuranceRefused;
import org.civicstack.identity.assurance.verification.Refusal;
import org.civicstack.identity.citizen.CitizenAccounts;
import org.civicstack.identity.citizen.CitizenId;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.stereotype.Component;

/**
 * The citizen behind a request: the access token (already verified by the resource server: our key, issuer,
 * audience, expiry) must be a citizen app token — {@code client_type: citizen_app} and {@code sub} a citizen id —
 * of an active account. Platform, agency and operator tokens are refused: their {@code sub} is a client.
 */
@Component
class CitizenCaller {

    static final String CITIZEN_APP = "citizen_app";

    private final CitizenAccounts accounts;

    CitizenCaller(CitizenAccounts accounts) {
        this.accounts = accounts;
    }

    CitizenId require(Jwt token) {
        if (token == null || !CITIZEN_APP.equals(token.getClaimAsString("client_type")) || token.getSubject() == null) {
            throw AssuranceRefused.of(Refusal.CITIZEN_TOKEN_REQUIRED, "This API needs a citizen app access token.");
        }
        CitizenId citizen;
        try {
            citizen = CitizenId.parse(token.getSubject());
        } catch (IllegalArgumentException e) {
            throw AssuranceRefused.of(Refusal.CITIZEN_TOKEN_REQUIRED, "This API needs a citizen app access token.");
        }
        if (!accounts.isActive(citizen)) {
            throw AssuranceRefused.of(Refusal.ACCOUNT_DISABLED, "This account is disabled or does not exist.");
        }
        return citizen;
    }
}
