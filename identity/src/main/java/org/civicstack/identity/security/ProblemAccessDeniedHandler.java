package org.civicstack.identity.security;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.ProblemCodes;
import org.civicstack.platform.error.ServletProblemHandler;
import org.springframework.http.HttpHeaders;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.oauth2.server.resource.web.access.BearerTokenAccessDeniedHandler;
import org.springframework.security.web.access.AccessDeniedHandler;

/**
 * A 403 from identity's own endpoints: the bearer-token {@code insufficient_scope} challenge where it applies, and
 * the platform's problem+json body with code {@code insufficient_scope} or {@code forbidden}.
 */
public final class ProblemAccessDeniedHandler implements AccessDeniedHandler {

    static final String INSUFFICIENT_SCOPE = "insufficient_scope";

    private final AccessDeniedHandler challenge = new BearerTokenAccessDeniedHandler();
    private final ServletProblemHandler problems;

    public ProblemAccessDeniedHandler(ServletProblemHandler problems) {
        this.problems = problems;
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException denied)
            throws IOException, ServletException {
        challenge.handle(request, response, denied);
        String wwwAuthenticate = response.getHeader(HttpHeaders.WWW_AUTHENTICATE);
        boolean scope = wwwAuthenticate != null && wwwAuthenticate.contains(INSUFFICIENT_SCOPE);
        ApiProblem problem = new ApiProblem(403, scope ? INSUFFICIENT_SCOPE : ProblemCodes.FORBIDDEN, "Forbidden",
                scope ? "The access token does not carry a scope this endpoint requires."
                        : "The caller may not use this endpoint.",
                List.of(), wwwAuthenticate == null ? Map.of() : Map.of(HttpHeaders.WWW_AUTHENTICATE, wwwAuthenticate));
        problems.handle(problem, request, response);
    }
}
