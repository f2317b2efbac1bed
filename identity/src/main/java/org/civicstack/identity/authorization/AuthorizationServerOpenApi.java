package org.civicstack.identity.authorization;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.Paths;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.parameters.RequestBody;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.OAuthFlow;
import io.swagger.v3.oas.models.security.OAuthFlows;
import io.swagger.v3.oas.models.security.Scopes;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.civicstack.identity.clients.PlatformScope;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.server.authorization.settings.AuthorizationServerSettings;

/**
 * identity's OpenAPI document: the authorization server endpoints Spring Authorization Server serves as filters (so
 * springdoc finds no controller for them), as {@link AuthorizationServerConfiguration} configures them — client
 * credentials only, client authentication by {@code client_secret_basic} or {@code private_key_jwt}, RFC 6749 §5.2
 * error bodies rather than problem+json. Paths come from the same {@link AuthorizationServerSettings}; the scopes
 * of the {@code oauth2} scheme are every {@link PlatformScope}. The citizen app's authorization endpoint and OpenID
 * Connect discovery are listed too; the hosted login page ({@code /login}) is HTML for browsers and is not.
 */
@Configuration(proxyBeanMethods = false)
class AuthorizationServerOpenApi {

    static final String METADATA_ENDPOINT = "/.well-known/oauth-authorization-server";
    static final String CLIENT_BASIC = "client_secret_basic";
    private static final String JSON = "application/json";
    private static final String FORM = "application/x-www-form-urlencoded";
    private static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
    private static final String JWT_BEARER_ASSERTION = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    @Bean
    OpenApiCustomizer authorizationServerOpenApiCustomizer(AuthorizationServerSettings settings) {
        return api -> customise(api, settings);
    }

    static void customise(OpenAPI api, AuthorizationServerSettings settings) {
        Components components = api.getComponents() != null ? api.getComponents() : new Components();
        api.setComponents(components);
        components.addSchemas("TokenResponse", tokenResponse());
        components.addSchemas("OAuthError", oauthError());
        components.addSchemas("JwkSet", jwkSet());
        components.addSchemas("AuthorizationServerMetadata", metadata());
        components.addSchemas("IntrospectionResponse", object(Map.of("active", type("boolean")), List.of("active"), true)
                .description("RFC 7662: `active`, and for an active token its claims"));
        components.addSecuritySchemes(CLIENT_BASIC, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("basic")
                .description("Client id and secret (form-URL-encoded) as HTTP Basic. Clients registered for "
                        + "`private_key_jwt` send `client_id`, `client_assertion_type` and `client_assertion` in the "
                        + "form instead."));
        components.addSecuritySchemes("oauth2", oauth2(settings));
        Paths paths = api.getPaths() != null ? api.getPaths() : new Paths();
        api.setPaths(paths);
        paths.addPathItem(settings.getTokenEndpoint(), new PathItem().post(tokenOperation()));
        paths.addPathItem(settings.getJwkSetEndpoint(), new PathItem().get(new Operation()
                .operationId("jwks").addTagsItem("oauth2").summary("The public keys tokens are signed with")
                .description("RFC 7517 JWK Set (`application/jwk-set+json`, §8.5); resource servers cache it and verify "
                        + "tokens locally. Access and ID tokens are EdDSA (an `OKP` key, `crv` Ed25519, RFC 8037); "
                        + "token-exchange assertions for agencies are PS256 (an `RSA` key). During a key rotation it lists the next key before it signs and the previous "
                        + "one until its tokens have expired: select by `kid`, refresh on an unknown `kid`.")
                .responses(new ApiResponses().addApiResponse("200", new ApiResponse().description("The JWK Set")
                        .content(new Content().addMediaType("application/jwk-set+json",
                                new MediaType().schema(new Schema<>().$ref("#/components/schemas/JwkSet"))))))));
        paths.addPathItem(METADATA_ENDPOINT, new PathItem().get(new Operation()
                .operationId("authorizationServerMetadata").addTagsItem("oauth2")
                .summary("RFC 8414 authorization server metadata (discovery)")
                .responses(new ApiResponses().addApiResponse("200", json("What this server supports and where",
                        "AuthorizationServerMetadata")))));
        paths.addPathItem("/.well-known/openid-configuration", new PathItem().get(new Operation()
                .operationId("openIdConfiguration").addTagsItem("oauth2")
                .summary("OpenID Connect discovery (the same facts as RFC 8414, plus ID token and userinfo fields)")
                .responses(new ApiResponses().addApiResponse("200", json("What this provider supports and where",
                        "AuthorizationServerMetadata")))));
        paths.addPathItem(settings.getAuthorizationEndpoint(), new PathItem().get(authorizeOperation()));
        paths.addPathItem(settings.getTokenIntrospectionEndpoint(), new PathItem().post(clientOperation(
                "introspect", "RFC 7662 token introspection", "IntrospectionResponse")));
        paths.addPathItem(settings.getTokenRevocationEndpoint(), new PathItem().post(clientOperation(
                "revoke", "RFC 7009 token revocation (200 with an empty body, also for an unknown token)", null)));
    }

    private static SecurityScheme oauth2(AuthorizationServerSettings settings) {
        Scopes scopes = new Scopes();
        for (PlatformScope scope : PlatformScope.values()) {
            scopes.addString(scope.value(), scope.description());
        }
        return new SecurityScheme().type(SecurityScheme.Type.OAUTH2)
                .description("OAuth 2.0 client credentials; clients authenticate with `client_secret_basic` or "
                        + "`private_key_jwt`.")
                .flows(new OAuthFlows().clientCredentials(new OAuthFlow()
                        .tokenUrl(settings.getIssuer() + settings.getTokenEndpoint()).scopes(scopes)));
    }

    /** The citizen app's entry (docs/identity-citizen-login.md); a browser request, answered by redirects. */
    private static Operation authorizeOperation() {
        List<io.swagger.v3.oas.models.parameters.Parameter> parameters = new java.util.ArrayList<>();
        for (String name : List.of("response_type", "client_id", "redirect_uri", "scope", "state", "nonce",
                "code_challenge", "code_challenge_method")) {
            parameters.add(new io.swagger.v3.oas.models.parameters.Parameter().in("query").name(name)
                    .required(!List.of("state", "nonce").contains(name))
                    .schema("response_type".equals(name) ? oneOf("code")
                            : "code_challenge_method".equals(name) ? oneOf("S256") : type("string")));
        }
        return new Operation().operationId("authorize").addTagsItem("oauth2")
                .summary("Authorization code request of the citizen app (PKCE S256 required)")
                .description("RFC 6749 §4.1 with RFC 7636. A citizen who has not signed in is sent to the hosted "
                        + "login page `/login`; afterwards the browser is redirected to the exact registered "
                        + "`redirect_uri` with `code` and `state`, or with `error` (e.g. `invalid_request` for PKCE "
                        + "`plain` or a missing `code_challenge`, `invalid_scope`).")
                .parameters(parameters)
                .responses(new ApiResponses()
                        .addApiResponse("302", new ApiResponse().description("To /login, or to the redirect URI")
                                .addHeaderObject("Location", new Header().schema(type("string"))))
                        .addApiResponse("400", json("Unknown `client_id` or a `redirect_uri` not registered exactly "
                                + "(never redirected): RFC 6749 error", "OAuthError")));
    }

    private static Operation tokenOperation() {
        Map<String, Schema> form = new LinkedHashMap<>();
        form.put("grant_type", oneOf("client_credentials", "authorization_code", "refresh_token", TOKEN_EXCHANGE));
        form.put("scope", type("string").description("Space-separated scopes, each granted to the client; "
                + "omitted: all of the client's scopes. Token exchange: a subset of the subject token's scope"));
        form.put("code", type("string").description("`authorization_code`: the code from the redirect"));
        form.put("redirect_uri", type("string").description("`authorization_code`: as in the authorization request"));
        form.put("code_verifier", type("string").description("`authorization_code`: the PKCE verifier (RFC 7636)"));
        form.put("refresh_token", type("string").description("`refresh_token`: the latest refresh token (single use)"));
        // RFC 8693, for the gateway (exchange.GatewayTokenExchangeProvider)
        form.put("subject_token", type("string").description("Token exchange: the citizen's access token"));
        form.put("subject_token_type", oneOf("urn:ietf:params:oauth:token-type:access_token"));
        form.put("requested_token_type", oneOf("urn:ietf:params:oauth:token-type:access_token",
                "urn:ietf:params:oauth:token-type:jwt"));
        form.put("audience", type("string").description("Token exchange: `urn:civicstack:service:<service code>`"));
        form.put("resource", type("string").description("Token exchange: `urn:civicstack:agency:<agency id>`"));
        clientAssertion(form);
        return new Operation().operationId("token").addTagsItem("oauth2")
                .summary("Issue tokens (client credentials; authorization code + PKCE and refresh for the citizen app; "
                        + "token exchange for the gateway)")
                .description("RFC 6749 §4.4, §4.1.3 and §6. The access token is a JWT (`typ` `at+jwt`) for audience "
                        + "`civicstack`, issued under the public URL. The citizen app is a public client: it sends "
                        + "`client_id` in the form and no client authentication; its refresh tokens rotate. RFC 8693 "
                        + "token exchange (platform clients holding `identity:token-exchange`): a citizen's access "
                        + "token for a short-lived assertion for one agency service (`token_type` `N_A`).")
                .requestBody(form(object(form, List.of("grant_type"), true)))
                .security(clientAuthentication())
                .responses(new ApiResponses()
                        .addApiResponse("200", json("The access token (RFC 6749 §5.1)", "TokenResponse"))
                        .addApiResponse("400", json("RFC 6749 §5.2: `invalid_request`, `invalid_grant`, "
                                + "`unauthorized_client`, `unsupported_grant_type`, `invalid_scope` or (token "
                                + "exchange) `invalid_target`", "OAuthError"))
                        .addApiResponse("401", invalidClient()));
    }

    private static Operation clientOperation(String id, String summary, String responseSchema) {
        Map<String, Schema> form = new LinkedHashMap<>();
        form.put("token", type("string"));
        form.put("token_type_hint", oneOf("access_token", "refresh_token"));
        clientAssertion(form);
        ApiResponse ok = responseSchema == null ? new ApiResponse().description("Done") : json("Done", responseSchema);
        return new Operation().operationId(id).addTagsItem("oauth2").summary(summary)
                .requestBody(form(object(form, List.of("token"), true)))
                .security(clientAuthentication())
                .responses(new ApiResponses()
                        .addApiResponse("200", ok)
                        .addApiResponse("400", json("RFC 6749 §5.2 `invalid_request`", "OAuthError"))
                        .addApiResponse("401", invalidClient()));
    }

    private static void clientAssertion(Map<String, Schema> form) {
        form.put("client_id", type("string").description("`private_key_jwt` clients and the public citizen app"));
        form.put("client_assertion_type", oneOf(JWT_BEARER_ASSERTION));
        form.put("client_assertion", type("string").description("`private_key_jwt`: a JWT signed with the client's key"));
    }

    /** HTTP Basic, or (the empty alternative) {@code private_key_jwt} carried in the form. */
    private static List<SecurityRequirement> clientAuthentication() {
        return List.of(new SecurityRequirement().addList(CLIENT_BASIC), new SecurityRequirement());
    }

    private static ApiResponse invalidClient() {
        return json("`invalid_client`: no, unknown or wrong client authentication", "OAuthError")
                .addHeaderObject("WWW-Authenticate", new Header().schema(type("string"))
                        .description("`" + ClientAuthenticationFailureHandler.CHALLENGE + "`"));
    }

    private static Schema<Object> tokenResponse() {
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put("access_token", type("string").description("A signed JWT"));
        properties.put("token_type", oneOf("Bearer", "N_A"));
        properties.put("issued_token_type", type("string").description("Token exchange: "
                + "`urn:ietf:params:oauth:token-type:jwt`"));
        properties.put("expires_in", type("integer").description("Seconds until it expires"));
        properties.put("scope", type("string").description("The granted scopes, space-separated"));
        return object(properties, List.of("access_token", "token_type", "expires_in"), false);
    }

    private static Schema<Object> oauthError() {
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put("error", oneOf(OAuth2ErrorCodes.INVALID_REQUEST,
                OAuth2ErrorCodes.INVALID_CLIENT, OAuth2ErrorCodes.INVALID_GRANT, OAuth2ErrorCodes.UNAUTHORIZED_CLIENT,
                OAuth2ErrorCodes.UNSUPPORTED_GRANT_TYPE, OAuth2ErrorCodes.INVALID_SCOPE, "invalid_target",
                OAuth2ErrorCodes.UNSUPPORTED_TOKEN_TYPE));
        properties.put("error_description", type("string"));
        properties.put("error_uri", type("string").format("uri"));
        return object(properties, List.of("error"), false).description("RFC 6749 §5.2 error response");
    }

    private static Schema<Object> jwkSet() {
        Map<String, Schema> key = new LinkedHashMap<>();
        // RSA (RFC 7518 §6.3: n, e) for PS256 agency assertions, OKP (RFC 8037: crv Ed25519, x) for EdDSA tokens
        for (String member : List.of("kty", "use", "kid", "alg", "n", "e", "crv", "x")) {
            key.put(member, type("string"));
        }
        Schema<Object> keys = type("array");
        keys.setItems(object(key, List.of("kty", "kid"), true));
        return object(Map.of("keys", keys), List.of("keys"), false).description("RFC 7517 JWK Set (public keys only)");
    }

    private static Schema<Object> metadata() {
        Map<String, Schema> properties = new LinkedHashMap<>();
        for (String url : List.of("issuer", "authorization_endpoint", "token_endpoint", "jwks_uri",
                "revocation_endpoint", "introspection_endpoint")) {
            properties.put(url, type("string").format("uri"));
        }
        for (String list : List.of("grant_types_supported", "response_types_supported", "scopes_supported",
                "token_endpoint_auth_methods_supported", "revocation_endpoint_auth_methods_supported",
                "introspection_endpoint_auth_methods_supported", "code_challenge_methods_supported")) {
            Schema<Object> strings = type("array");
            strings.setItems(type("string"));
            properties.put(list, strings);
        }
        properties.put("tls_client_certificate_bound_access_tokens", type("boolean"));
        return object(properties, List.of("issuer", "token_endpoint", "jwks_uri", "grant_types_supported"), true)
                .description("RFC 8414; other members may be added");
    }

    private static RequestBody form(Schema<?> schema) {
        return new RequestBody().required(true).content(new Content().addMediaType(FORM, new MediaType().schema(schema)));
    }

    private static ApiResponse json(String description, String schema) {
        return new ApiResponse().description(description).content(new Content().addMediaType(JSON,
                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + schema))));
    }

    private static Schema<Object> object(Map<String, Schema> properties, List<String> required, boolean open) {
        Schema<Object> schema = type("object");
        schema.setProperties(new LinkedHashMap<>(properties));
        schema.setRequired(required);
        if (!open) {
            schema.setAdditionalProperties(false);
        }
        return schema;
    }

    private static Schema<Object> oneOf(String... values) {
        Schema<Object> schema = type("string");
        schema.setEnum(List.of((Object[]) values));
        return schema;
    }

    private static Schema<Object> type(String type) {
        Schema<Object> schema = new Schema<>();
        schema.setType(type);
        return schema;
    }
}
