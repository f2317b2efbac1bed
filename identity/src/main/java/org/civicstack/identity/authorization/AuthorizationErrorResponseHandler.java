package org.civicstack.identity.authorization;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationException;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeRequestAuthenticationToken;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * Errors of {@code /oauth2/authorize} (RFC 6749 §4.1.2.1). When the client and its redirect URI are known and
 * valid, the error goes back to the client at that URI ({@code error}, {@code error_description}, {@code state}),
 * e.g. {@code invalid_request} for PKCE {@code plain} or a missing {@code code_challenge}. When they are not (unknown
 * {@code client_id}, a {@code redirect_uri} that is not registered exactly), redirecting would be an open redirect,
 * so the answer is a 400 with the RFC 6749 error as JSON, naming the parameter — instead of the library's bare
 * {@code sendError}, which here would end as a confusing 404 for {@code /error}.
 */
final class AuthorizationErrorResponseHandler implements AuthenticationFailureHandler {

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
            AuthenticationException exception) throws IOException {
        OAuth2Error error = exception instanceof OAuth2AuthenticationException oauth ? oauth.getError()
                : new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, "The authorization request is invalid.", null);
        OAuth2AuthorizationCodeRequestAuthenticationToken authorizationRequest =
                exception instanceof OAuth2AuthorizationCodeRequestAuthenticationException codeRequest
                        ? codeRequest.getAuthorizationCodeRequestAuthentication() : null;
        if (authorizationRequest == null || authorizationRequest.getRedirectUri() == null
                || authorizationRequest.getRedirectUri().isBlank()) {
            writeJson(response, error);
            return;
        }
        UriComponentsBuilder redirect = UriComponentsBuilder.fromUriString(authorizationRequest.getRedirectUri())
                .queryParam("error", error.getErrorCode());
        if (error.getDescription() != null) {
            redirect.queryParam("error_description", error.getDescription());
        }
        if (error.getUri() != null) {
            redirect.queryParam("error_uri", error.getUri());
        }
        if (authorizationRequest.getState() != null) {
            redirect.queryParam("state", authorizationRequest.getState());
        }
        response.setStatus(HttpStatus.FOUND.value());
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Location", redirect.encode(StandardCharsets.UTF_8).build().toUriString());
    }

    private static void writeJson(HttpServletResponse response, OAuth2Error error) throws IOException {
        response.setStatus(HttpStatus.BAD_REQUEST.value());
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setHeader("Cache-Control", "no-store");
        StringBuilder json = new StringBuilder("{\"error\":\"").append(escape(error.getErrorCode())).append('"');
        if (error.getDescription() != null) {
            json.append(",\"error_description\":\"").append(escape(error.getDescription())).append('"');
        }
        if (error.getUri() != null) {
            json.append(",\"error_uri\":\"").append(escape(error.getUri())).append('"');
        }
        response.getOutputStream().write(json.append('}').toString().getBytes(StandardCharsets.UTF_8));
    }

    private static String escape(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
