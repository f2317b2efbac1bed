package org.civicstack.platform.error;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.civicstack.platform.web.RequestIds;
import org.springframework.boot.webmvc.error.ErrorController;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import tools.jackson.databind.json.JsonMapper;

/**
 * The servlet stack's single error renderer (identity): exceptions from controllers, and errors that reach the
 * container's error page (filters, unknown paths), all leave as RFC 9457 problem+json, written directly so content
 * negotiation can never turn an error into a second error.
 */
@RestControllerAdvice
@Order(Ordered.HIGHEST_PRECEDENCE)
public class ServletProblemHandler implements ErrorController {

    private final ProblemResolver resolver;
    private final JsonMapper json;

    public ServletProblemHandler(ProblemResolver resolver, JsonMapper json) {
        this.resolver = resolver;
        this.json = json;
    }

    @ExceptionHandler(Throwable.class)
    public void handle(Throwable error, HttpServletRequest request, HttpServletResponse response) throws IOException {
        write(resolver.resolve(error, request.getRequestURI()), request, response);
    }

    /** The container forwards here for errors raised outside Spring MVC's handlers. */
    @RequestMapping("${server.error.path:${error.path:/error}}")
    public void error(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Object exception = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION);
        Object statusAttr = request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE);
        Object uriAttr = request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        String instance = uriAttr != null ? uriAttr.toString() : request.getRequestURI();
        Problem problem;
        if (exception instanceof Throwable t) {
            problem = resolver.resolve(t, instance);
        } else {
            int status = statusAttr instanceof Integer s && s >= 400 ? s : 500;
            problem = Problem.ofStatus(status, null, instance);
        }
        write(problem, request, response);
    }

    private void write(Problem problem, HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        Object requestId = request.getAttribute(RequestIds.ATTRIBUTE);
        byte[] bytes = json.writeValueAsString(problem.body(requestId == null ? null : requestId.toString()))
                .getBytes(StandardCharsets.UTF_8);
        response.setStatus(problem.status());
        response.setContentType(Problem.MEDIA_TYPE);
        response.setContentLength(bytes.length);
        problem.headers().forEach(response::setHeader);
        response.getOutputStream().write(bytes);
        response.flushBuffer();
    }
}
