package org.civicstack.identity.exchange;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.http.MediaType;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AccessTokenAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.web.authentication.OAuth2AccessTokenResponseAuthenticationSuccessHandler;
import org.springframework.security.web.authentication.AuthenticationSuccessHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * The token endpoint's success response. A token exchange answers RFC 8693 §2.2.1 exactly: {@code access_token},
 * {@code issued_token_type} ({@code urn:ietf:params:oauth:token-type:jwt}), {@code token_type} {@code N_A} (the
 * assertion is not a bearer token for identity's resource servers) and {@code expires_in}; every other grant gets
 * Spring Authorization Server's standard response.
 */
final class TokenExchangeResponseHandler implements AuthenticationSuccessHandler {

    private final AuthenticationSuccessHandler standard = new OAuth2AccessTokenResponseAuthenticationSuccessHandler();
    private final JsonMapper json;

    TokenExchangeResponseHandler(JsonMapper json) {
        this.json = json;
    }

    @Override
    public void onAuthenticationSuccess(HttpServletRequest request, HttpServletResponse response,
            Authentication authentication) throws IOException, ServletException {
        if (!(authentication instanceof OAuth2AccessTokenAuthenticationToken result)
                || !GatewayTokenExchangeProvider.JWT_TOKEN_TYPE.equals(
                        result.getAdditionalParameters().get(GatewayTokenExchangeProvider.ISSUED_TOKEN_TYPE))) {
            standard.onAuthenticationSuccess(request, response, authentication);
            return;
        }
        OAuth2AccessToken token = result.getAccessToken();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token.getTokenValue());
        body.put("issued_token_type", GatewayTokenExchangeProvider.JWT_TOKEN_TYPE);
        body.put("token_type", "N_A");
        Instant issuedAt = token.getIssuedAt() == null ? Instant.now() : token.getIssuedAt();
        body.put("expires_in", Math.max(0, Duration.between(issuedAt, token.getExpiresAt()).toSeconds()));
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Pragma", "no-cache");
        response.getOutputStream().write(json.writeValueAsBytes(body));
    }
}
