package org.civicstack.identity.security;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.ProblemCodes;
import org.civicstack.platform.error.ServletProblemHandler;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.server.resource.web.BearerTokenAuthenticationEntryPoint;
import org.springframework.security.web.AuthenticationEntryPoint;

/**
 * A 401 from identity's own endpoints: Spring Security's bearer-token challenge ({@code WWW-Authenticate: Bearer},
 * with {@code error="invalid_token"} when a token was sent and refused) and the platform's problem+json body, so a
 * client sees the same error shape as everywhere else. Code {@code unauthorized} when no token was sent,
 * {@code invalid_token} when the token was refused.
 *
 * <p>Candidate for the platform library once a second servlet service needs it.
 */
public final class ProblemAuthenticationEntryPoint implements AuthenticationEntryPoint {

    static final String INVALID_TOKEN = "invalid_token";

    private final AuthenticationEntryPoint challenge = new BearerTokenAuthenticationEntryPoint();
    private final ServletProblemHandler problems;

    public ProblemAuthenticationEntryPoint(ServletProblemHandler problems) {
        this.problems = problems;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        try {
            challenge.commence(request, response, failure);
        } catch (jakarta.servlet.ServletException e) {
            throw new IOException(e);
        }
        String wwwAuthenticate = response.getHeader(HttpHeaders.WWW_AUTHENTICATE);
        boolean tokenRefused = failure instanceof OAuth2AuthenticationException;
        ApiProblem problem = new ApiProblem(401, tokenRefused ? INVALID_TOKEN : ProblemCodes.UNAUTHORIZED,
                "Unauthorized",
                tokenRefused ? "The access token is invalid, expired or not meant for this service."
                        : "This endpoint needs a bearer access token from the platform's authorization server.",
                List.of(), wwwAuthenticate == null ? Map.of() : Map.of(HttpHeaders.WWW_AUTHENTICATE, wwwAuthenticate));
        problems.handle(problem, request, response);
    }
}
