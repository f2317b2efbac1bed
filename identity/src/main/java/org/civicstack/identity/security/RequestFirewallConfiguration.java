package org.civicstack.identity.security;

import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.ProblemCodes;
import org.civicstack.platform.error.ServletProblemHandler;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.web.firewall.HttpFirewall;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import org.springframework.security.web.firewall.StrictHttpFirewall;

/**
 * Spring Security's request firewall with its defaults, plus: no request parameter (query or form — the token,
 * introspection, revocation and login endpoints are all forms) may contain a control character other than tab,
 * CR and LF. A NUL in {@code token=} or {@code refresh_token=} reached PostgreSQL, which refuses it in any text
 * value ({@code invalid byte sequence for encoding "UTF8": 0x00}), and the client got a 500. Nothing identity issues
 * or accepts contains one, so such a request is refused as a whole: 400 problem+json, code {@code malformed_request},
 * the firewall's reason in {@code detail}. The same answer for what the default firewall already refuses (encoded
 * slashes, {@code ..} in the path, …), which was a bare 400 before.
 */
@Configuration(proxyBeanMethods = false)
class RequestFirewallConfiguration {

    @Bean
    HttpFirewall httpFirewall() {
        StrictHttpFirewall firewall = new StrictHttpFirewall();
        firewall.setAllowedParameterNames(RequestFirewallConfiguration::withoutControlCharacters);
        firewall.setAllowedParameterValues(RequestFirewallConfiguration::withoutControlCharacters);
        return firewall;
    }

    @Bean
    RequestRejectedHandler requestRejectedHandler(ServletProblemHandler problems) {
        return (request, response, rejected) -> problems.handle(new ApiProblem(400, ProblemCodes.MALFORMED_REQUEST,
                "Malformed request", rejected.getMessage()), request, response);
    }

    static boolean withoutControlCharacters(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
                return false;
            }
        }
        return true;
    }
}
