package org.civicstack.identity.authorization;

import java.io.IOException;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.server.ServletServerHttpResponse;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.http.converter.OAuth2ErrorHttpMessageConverter;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;

/**
 * RFC 6749 §5.2 errors for client authentication at the authorization server's endpoints: {@code invalid_client}
 * is a 401 with a {@code WWW-Authenticate: Basic} challenge (which Spring Authorization Server leaves out), anything
 * else a 400; the body is the standard {@code {"error": …}} JSON with the error code only, as the library does, so
 * nothing is revealed about which part of the credentials was wrong. Also the entry point when a request carries
 * no client authentication at all, which would otherwise get an empty 401.
 */
public final class ClientAuthenticationFailureHandler implements AuthenticationFailureHandler, AuthenticationEntryPoint {

    static final String CHALLENGE = "Basic realm=\"civicstack\"";

    private final HttpMessageConverter<OAuth2Error> errors = new OAuth2ErrorHttpMessageConverter();

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException failure) throws IOException {
        String code = failure instanceof OAuth2AuthenticationException oauth
                ? oauth.getError().getErrorCode() : OAuth2ErrorCodes.INVALID_CLIENT;
        write(response, new OAuth2Error(code));
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException failure)
            throws IOException {
        write(response, new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT, "Client authentication is required.", null));
    }

    private void write(HttpServletResponse response, OAuth2Error error) throws IOException {
        ServletServerHttpResponse http = new ServletServerHttpResponse(response);
        if (OAuth2ErrorCodes.INVALID_CLIENT.equals(error.getErrorCode())) {
            http.setStatusCode(HttpStatus.UNAUTHORIZED);
            http.getHeaders().set(HttpHeaders.WWW_AUTHENTICATE, CHALLENGE);
        } else {
            http.setStatusCode(HttpStatus.BAD_REQUEST);
        }
        http.getHeaders().setCacheControl("no-store");
        errors.write(error, null, http);
    }
}
