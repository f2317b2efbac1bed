package org.civicstack.identity.session;

import java.util.HashMap;
import java.util.Map;

import jakarta.servlet.http.HttpServletRequest;
import org.civicstack.identity.clients.ClientType;
import org.civicstack.identity.clients.PlatformClientSettings;
import org.springframework.http.HttpHeaders;
import org.springframework.security.authentication.AuthenticationProvider;
import org.springframework.security.core.Authentication;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.endpoint.OAuth2ParameterNames;
import org.springframework.security.oauth2.core.endpoint.PkceParameterNames;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClientRepository;
import org.springframework.security.web.authentication.AuthenticationConverter;

/**
 * Client authentication of the citizen app (a public client, method {@code none}) on the two requests it makes
 * without a PKCE verifier: the refresh token grant and token revocation. Spring Authorization Server recognises a
 * public client only on a token request with {@code code_verifier}. Here a request with {@code client_id} and no
 * other credential (no Authorization header, secret, assertion or verifier) authenticates a client that is a
 * registered {@code citizen_app} with method {@code none} — nothing else; any other client stays
 * {@code invalid_client}.
 */
public final class PublicClientAuthentication {

    private PublicClientAuthentication() {
    }

    /** Reads {@code client_id} from a refresh-token or revocation request that carries no other credential. */
    public static AuthenticationConverter converter(String revocationEndpoint) {
        return request -> {
            if (!"POST".equals(request.getMethod()) || request.getHeader(HttpHeaders.AUTHORIZATION) != null
                    || request.getParameter(OAuth2ParameterNames.CLIENT_SECRET) != null
                    || request.getParameter(OAuth2ParameterNames.CLIENT_ASSERTION) != null
                    || request.getParameter(PkceParameterNames.CODE_VERIFIER) != null) {
                return null;
            }
            boolean refresh = AuthorizationGrantType.REFRESH_TOKEN.getValue()
                    .equals(request.getParameter(OAuth2ParameterNames.GRANT_TYPE));
            boolean revocation = request.getRequestURI().endsWith(revocationEndpoint);
            String[] clientIds = request.getParameterValues(OAuth2ParameterNames.CLIENT_ID);
            if (!(refresh || revocation) || clientIds == null) {
                return null;
            }
            if (clientIds.length != 1 || clientIds[0].isBlank()) {
                throw new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_REQUEST);
            }
            return new OAuth2ClientAuthenticationToken(clientIds[0], ClientAuthenticationMethod.NONE, null,
                    parameters(request));
        };
    }

    private static Map<String, Object> parameters(HttpServletRequest request) {
        Map<String, Object> parameters = new HashMap<>();
        request.getParameterMap().forEach((name, values) -> {
            if (!OAuth2ParameterNames.CLIENT_ID.equals(name)) {
                parameters.put(name, values.length == 1 ? values[0] : values);
            }
        });
        return parameters;
    }

    /** Authenticates what {@link #converter} read: a registered citizen app with method {@code none}. */
    public static AuthenticationProvider provider(RegisteredClientRepository clients) {
        return new AuthenticationProvider() {
            @Override
            public Authentication authenticate(Authentication authentication) {
                OAuth2ClientAuthenticationToken request = (OAuth2ClientAuthenticationToken) authentication;
                if (!ClientAuthenticationMethod.NONE.equals(request.getClientAuthenticationMethod())
                        || request.getAdditionalParameters().containsKey(PkceParameterNames.CODE_VERIFIER)) {
                    return null; // a PKCE token request: the library's public client provider decides
                }
                RegisteredClient client = clients.findByClientId((String) request.getPrincipal());
                if (client == null
                        || !client.getClientAuthenticationMethods().contains(ClientAuthenticationMethod.NONE)
                        || PlatformClientSettings.clientType(client).filter(ClientType.CITIZEN_APP::equals).isEmpty()) {
                    throw new OAuth2AuthenticationException(new OAuth2Error(OAuth2ErrorCodes.INVALID_CLIENT,
                            "Client authentication failed: " + OAuth2ParameterNames.CLIENT_ID, null));
                }
                return new OAuth2ClientAuthenticationToken(client, ClientAuthenticationMethod.NONE, null);
            }

            @Override
            public boolean supports(Class<?> authentication) {
                return OAuth2ClientAuthenticationToken.class.isAssignableFrom(authentication);
            }
        };
    }
}
