package org.civicstack.platform.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.PathItem;
import io.swagger.v3.oas.models.headers.Header;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.responses.ApiResponses;
import io.swagger.v3.oas.models.security.OAuthFlow;
import io.swagger.v3.oas.models.security.OAuthFlows;
import io.swagger.v3.oas.models.security.Scopes;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.civicstack.platform.error.Problem;
import org.springdoc.core.customizers.OpenApiCustomizer;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * What every service's OpenAPI document says the same way, from the same settings the service runs with:
 *
 * <ul>
 *   <li>the {@code Problem} schema (RFC 9457 with {@code code}, {@code request_id} and validation {@code errors},
 *       exactly as {@link Problem#body} writes it) as the {@code application/problem+json} response of every
 *       operation's error statuses: 400 when it takes input, 401 and 403 when it needs a token, 404 when its path
 *       names a resource, and {@code default} for the rest (409, 413, 415, 422, 429, 5xx). Operations that document
 *       their own errors (identity's OAuth endpoints, RFC 6749 bodies) are left as they are.</li>
 *   <li>the security schemes: {@value #OAUTH2} (client credentials at the public token URL, with the service's
 *       scopes) and {@value #BEARER} (the same JWT access token sent as {@code Authorization: Bearer}).</li>
 *   <li>per operation {@code security}, derived from the resource server's own rule ({@code openPaths}: what it
 *       lets through without a token): an operation outside those paths needs a token. A scope named on the
 *       operation with {@code @SecurityRequirement(name = "oauth2", scopes = …)} is any-of, as the services check
 *       it; the {@value #BEARER} alternative is the same token pasted (OpenAPI 3.0 names scopes for oauth2 only).</li>
 * </ul>
 */
final class PlatformOpenApiCustomizer implements OpenApiCustomizer {

    static final String OAUTH2 = "oauth2";
    static final String BEARER = "bearer";
    static final String PROBLEM = "Problem";
    static final String FIELD_VIOLATION = "FieldViolation";

    private final String publicUrl;
    private final Map<String, String> scopes;
    private final List<PathPattern> openPaths;
    private final boolean securedByResourceServer;

    /**
     * @param openPaths the patterns a resource server lets through without a token, or null when this service has
     *        no platform resource server (its operations then state their own security)
     */
    PlatformOpenApiCustomizer(String publicUrl, Map<String, String> scopes, List<String> openPaths) {
        this.publicUrl = publicUrl;
        this.scopes = scopes;
        this.securedByResourceServer = openPaths != null;
        PathPatternParser parser = new PathPatternParser();
        this.openPaths = openPaths == null ? List.of() : openPaths.stream().map(parser::parse).toList();
    }

    @Override
    public void customise(OpenAPI api) {
        Components components = api.getComponents() != null ? api.getComponents() : new Components();
        api.setComponents(components);
        components.addSchemas(FIELD_VIOLATION, fieldViolationSchema());
        components.addSchemas(PROBLEM, problemSchema());
        Map<String, String> usedScopes = new TreeMap<>(scopes);
        if (api.getPaths() != null) {
            api.getPaths().forEach((path, item) -> item.readOperationsMap()
                    .forEach((method, operation) -> document(path, method, operation, usedScopes)));
        }
        if (components.getSecuritySchemes() == null || !components.getSecuritySchemes().containsKey(OAUTH2)) {
            components.addSecuritySchemes(OAUTH2, oauth2(usedScopes));
        }
        if (components.getSecuritySchemes() == null || !components.getSecuritySchemes().containsKey(BEARER)) {
            components.addSecuritySchemes(BEARER, new SecurityScheme()
                    .type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT")
                    .description("An access token from " + publicUrl + "/oauth2/token, sent as "
                            + "`Authorization: Bearer <token>`; a missing or invalid one is a 401 problem with a "
                            + "`WWW-Authenticate: Bearer` challenge, one without the operation's scope a 403."));
        }
    }

    private void document(String path, PathItem.HttpMethod method, Operation operation, Map<String, String> usedScopes) {
        boolean secured = securedByResourceServer && !isOpen(path);
        if (secured) {
            operation.setSecurity(requirements(operation.getSecurity(), usedScopes));
        }
        ApiResponses responses = operation.getResponses() != null ? operation.getResponses() : new ApiResponses();
        operation.setResponses(responses);
        if (documentsOwnErrors(responses)) {
            return;
        }
        boolean takesInput = operation.getRequestBody() != null
                || (operation.getParameters() != null && !operation.getParameters().isEmpty());
        if (takesInput) {
            responses.addApiResponse("400", problem("Malformed request, or invalid input: a validation problem "
                    + "(`code` validation_failed) lists every invalid field in `errors`."));
        }
        if (secured) {
            responses.addApiResponse("401", problem("No valid bearer access token.")
                    .addHeaderObject("WWW-Authenticate", new Header().description("`Bearer` challenge (RFC 6750)")
                            .schema(string())));
            responses.addApiResponse("403", problem("The token lacks the scope this needs (`code` insufficient_scope), "
                    + "or the caller may not do this."));
        }
        if (path.contains("{")) {
            responses.addApiResponse("404", problem("No such resource, or not one the caller may see."));
        }
        responses.addApiResponse("default", problem("Any other error, e.g. 409 conflict, 413 too large, "
                + "415 unsupported media type, 422 rule broken, 429 rate limited (with `Retry-After`), 5xx."));
    }

    private boolean isOpen(String path) {
        PathContainer container = PathContainer.parsePath(path);
        return openPaths.stream().anyMatch(pattern -> pattern.matches(container));
    }

    private static boolean documentsOwnErrors(ApiResponses responses) {
        return responses.keySet().stream().anyMatch(status -> status.startsWith("4") || status.startsWith("5")
                || status.equals("default"));
    }

    /** The scopes named on the operation (any of them suffices), each with either scheme; none named: any token. */
    private static List<SecurityRequirement> requirements(List<SecurityRequirement> declared, Map<String, String> usedScopes) {
        List<String> anyOf = new ArrayList<>();
        if (declared != null) {
            for (SecurityRequirement requirement : declared) {
                requirement.values().forEach(anyOf::addAll);
            }
        }
        anyOf = anyOf.stream().distinct().toList();
        List<SecurityRequirement> requirements = new ArrayList<>();
        if (anyOf.isEmpty()) {
            requirements.add(new SecurityRequirement().addList(OAUTH2));
            requirements.add(new SecurityRequirement().addList(BEARER));
            return requirements;
        }
        for (String scope : anyOf) {
            usedScopes.putIfAbsent(scope, "");
            requirements.add(new SecurityRequirement().addList(OAUTH2, scope));
        }
        // OpenAPI 3.0 lists scopes for oauth2 only; the bearer alternative is the same token, pasted
        requirements.add(new SecurityRequirement().addList(BEARER));
        return requirements;
    }

    private SecurityScheme oauth2(Map<String, String> usedScopes) {
        Scopes flowScopes = new Scopes();
        usedScopes.forEach(flowScopes::addString);
        return new SecurityScheme()
                .type(SecurityScheme.Type.OAUTH2)
                .description("OAuth 2.0 client credentials at the platform's authorization server (identity, "
                        + "through the gateway); clients authenticate with `client_secret_basic` or `private_key_jwt`.")
                .flows(new OAuthFlows().clientCredentials(new OAuthFlow()
                        .tokenUrl(publicUrl + "/oauth2/token")
                        .scopes(flowScopes)));
    }

    static ApiResponse problem(String description) {
        return new ApiResponse().description(description).content(new Content().addMediaType(Problem.MEDIA_TYPE,
                new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM))));
    }

    /** The members {@link Problem#body} writes, with the types and formats it writes them in. */
    static Schema<Object> problemSchema() {
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put("type", string().format("uri").description("`urn:civicstack:problem:<code>`")
                .pattern("^urn:civicstack:problem:[a-z][a-z0-9_]{1,63}$"));
        properties.put("title", string().description("Short summary of the status, in English"));
        properties.put("status", integer().minimum(java.math.BigDecimal.valueOf(400))
                .maximum(java.math.BigDecimal.valueOf(599)));
        properties.put("detail", string().description("What went wrong on this request"));
        properties.put("instance", string().description("The request path"));
        properties.put("code", code().description("Stable snake_case code to branch on"));
        properties.put("request_id", string().description("The `X-Request-Id` of the response"));
        properties.put("errors", array(new Schema<>().$ref("#/components/schemas/" + FIELD_VIOLATION))
                .description("Validation problems only: every invalid field"));
        return object(properties, List.of("type", "title", "status", "code"))
                .description("RFC 9457 problem details, as every CivicStack service writes them");
    }

    static Schema<Object> fieldViolationSchema() {
        Map<String, Schema> properties = new LinkedHashMap<>();
        properties.put("field", string().description("JSON path of the field, snake_case, e.g. `upstream.timeout_ms`"));
        properties.put("code", code());
        properties.put("message", string());
        return object(properties, List.of("field", "code", "message"));
    }

    private static Schema<Object> object(Map<String, Schema> properties, List<String> required) {
        Schema<Object> schema = typed("object");
        schema.setProperties(properties);
        schema.setRequired(required);
        schema.setAdditionalProperties(false);
        return schema;
    }

    private static Schema<Object> code() {
        return string().pattern("^[a-z][a-z0-9_]{1,63}$");
    }

    private static Schema<Object> string() {
        return typed("string");
    }

    private static Schema<Object> integer() {
        return typed("integer").format("int32");
    }

    private static Schema<Object> array(Schema<?> items) {
        Schema<Object> schema = typed("array");
        schema.setItems(items);
        return schema;
    }

    /** Sets the type both ways swagger-models keeps it: {@code type} (OpenAPI 3.0) and {@code types} (3.1). */
    private static Schema<Object> typed(String type) {
        Schema<Object> schema = new Schema<>();
        schema.setType(type);
        schema.setTypes(Set.of(type));
        return schema;
    }
}
