package org.civicstack.identity.clients;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.civicstack.identity.clients.ClientAdministration.ClientView;
import org.civicstack.identity.clients.ClientAdministration.Issued;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.error.FieldViolation;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * The operator client API, {@code /v1/identity/clients} (scope {@code identity:clients}, operator clients only):
 * create, read, list, rotate credentials, disable, enable. Validation errors come all at once as field violations.
 */
@RestController
@Tag(name = "clients", description = "Operators: OAuth clients of the platform APIs")
class ClientAdminController {

    static final String PATH = "/v1/identity/clients";
    private static final Set<String> CREATE_FIELDS = Set.of("client_id", "client_type", "agency_id", "scopes", "jwks",
            "jwk_set_uri");
    private static final Set<String> ROTATE_FIELDS = Set.of("jwks", "jwk_set_uri");
    private static final String PROBLEM = "application/problem+json";

    private final ClientAdministration administration;
    private final JsonMapper json;

    ClientAdminController(ClientAdministration administration, JsonMapper json) {
        this.administration = administration;
        this.json = json;
    }

    @Schema(name = "Client")
    record ClientBody(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String client_id,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"agency", "operator", "platform", "citizen_app"})
            String client_type,
            @Schema(nullable = true) String agency_id,
            @ArraySchema(schema = @Schema(type = "string")) List<String> scopes,
            @ArraySchema(schema = @Schema(type = "string",
                    allowableValues = {"client_secret_basic", "private_key_jwt", "none"})) List<String> auth_methods,
            @Schema(nullable = true) String jwk_set_uri,
            @ArraySchema(schema = @Schema(type = "string")) List<String> jwks_kids,
            boolean disabled,
            @Schema(type = "string", format = "date-time") String created_at,
            @Schema(nullable = true, description = "Only in the answer to create and rotate of a secret client: "
                    + "the new secret, shown this once") String client_secret) {

        static ClientBody of(ClientView view, String secret) {
            return new ClientBody(view.clientId(), view.clientType(), view.agencyId(), view.scopes(), view.authMethods(),
                    view.jwkSetUri(), view.jwksKeyIds(), view.disabled(),
                    view.createdAt() == null ? null : view.createdAt().toString(), secret);
        }
    }

    @Schema(name = "ClientList")
    record ClientList(@ArraySchema(schema = @Schema(implementation = ClientBody.class)) List<ClientBody> items) {
    }

    @Schema(name = "CreateClientRequest")
    record CreateRequest(
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String client_id,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED, allowableValues = {"agency", "operator", "platform"})
            String client_type,
            String agency_id,
            @ArraySchema(schema = @Schema(type = "string"), minItems = 1) List<String> scopes,
            @Schema(type = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE,
                    description = "Agency clients: the public JWK set (RFC 7517)") Object jwks,
            @Schema(description = "Agency clients: where the JWK set is published") String jwk_set_uri) {
    }

    @Schema(name = "RotateClientRequest")
    record RotateRequest(@Schema(type = "object", additionalProperties = Schema.AdditionalPropertiesValue.TRUE,
            description = "Key clients: the new public JWK set") Object jwks, String jwk_set_uri) {
    }

    @PostMapping(path = PATH, consumes = MediaType.APPLICATION_JSON_VALUE, produces = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.CREATED)
    @Operation(operationId = "createClient", summary = "Register a client",
            description = "Agency clients give keys (`jwks` or `jwk_set_uri`) and never get a secret; operator and "
                    + "platform clients get a generated `client_secret`, shown only in this answer.",
            security = @SecurityRequirement(name = "oauth2", scopes = "identity:clients"),
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = true,
                    content = @Content(schema = @Schema(implementation = CreateRequest.class))),
            responses = {
                    @ApiResponse(responseCode = "201", description = "Registered",
                            content = @Content(schema = @Schema(implementation = ClientBody.class))),
                    @ApiResponse(responseCode = "400", description = "`validation_failed`", content = @Content(mediaType = PROBLEM)),
                    @ApiResponse(responseCode = "401", description = "No or invalid token", content = @Content(mediaType = PROBLEM)),
                    @ApiResponse(responseCode = "403", description = "Not an operator with identity:clients", content = @Content(mediaType = PROBLEM)),
                    @ApiResponse(responseCode = "409", description = "`client_exists`", content = @Content(mediaType = PROBLEM))})
    ClientBody create(@RequestBody Map<String, Object> body, @AuthenticationPrincipal Jwt caller) {
        String actor = operator(caller);
        List<FieldViolation> violations = new ArrayList<>();
        unknownFields(body, CREATE_FIELDS, violations);
        String clientId = text(body, "client_id", true, violations);
        String typeText = text(body, "client_type", true, violations);
        String agencyId = text(body, "agency_id", false, violations);
        Set<String> scopes = strings(body, "scopes", violations);
        ClientJwks jwks = jwks(body, violations);
        URI jwkSetUri = uri(body, violations);
        ClientType type = null;
        if (typeText != null) {
            try {
                type = ClientType.fromClaimValue(typeText);
            } catch (IllegalArgumentException e) {
                violations.add(new FieldViolation("client_type", "invalid_value", "must be agency, operator or platform"));
            }
        }
        if (clientId != null) {
            try {
                new ClientId(clientId);
            } catch (IllegalArgumentException e) {
                violations.add(new FieldViolation("client_id", "invalid_format", e.getMessage()));
            }
        }
        if (agencyId != null) {
            try {
                new AgencyId(agencyId);
            } catch (IllegalArgumentException e) {
                violations.add(new FieldViolation("agency_id", "invalid_format",
                        "must be 'agy_' followed by 1-96 URL-safe characters"));
            }
        }
        if (type == ClientType.AGENCY && jwks == null && jwkSetUri == null && !body.containsKey("jwks")
                && !body.containsKey("jwk_set_uri")) {
            violations.add(new FieldViolation("jwks", "required",
                    "an agency client authenticates with private_key_jwt: give jwks or jwk_set_uri"));
        }
        if (type != null && type != ClientType.AGENCY && (body.containsKey("jwks") || body.containsKey("jwk_set_uri"))) {
            violations.add(new FieldViolation(body.containsKey("jwks") ? "jwks" : "jwk_set_uri", "not_allowed",
                    "operator and platform clients get a generated secret"));
        }
        if (jwks != null && jwkSetUri != null) {
            violations.add(new FieldViolation("jwk_set_uri", "not_allowed", "give jwks or jwk_set_uri, not both"));
        }
        if (!violations.isEmpty()) {
            throw ApiProblem.validation(violations);
        }
        PlatformClient client;
        try {
            client = PlatformClient.of(clientId, type, agencyId, scopes, jwkSetUri);
            if (jwks != null) {
                client = client.withJwks(jwks);
            }
        } catch (IllegalArgumentException e) {
            throw ApiProblem.validation(List.of(new FieldViolation(ruleField(e.getMessage()), "not_allowed",
                    e.getMessage())));
        }
        PlatformClient accepted = client;
        Issued issued = register(() -> administration.create(accepted, actor));
        return ClientBody.of(issued.client(), issued.clientSecret());
    }

    @GetMapping(path = PATH, produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "listClients", summary = "Every client of the platform APIs",
            security = @SecurityRequirement(name = "oauth2", scopes = "identity:clients"),
            responses = {
                    @ApiResponse(responseCode = "200", description = "The clients, by id",
                            content = @Content(schema = @Schema(implementation = ClientList.class))),
                    @ApiResponse(responseCode = "401", description = "No or invalid token", content = @Content(mediaType = PROBLEM)),
                    @ApiResponse(responseCode = "403", description = "Not an operator with identity:clients", content = @Content(mediaType = PROBLEM))})
    ClientList list(@AuthenticationPrincipal Jwt caller) {
        operator(caller);
        return new ClientList(administration.list().stream().map(view -> ClientBody.of(view, null)).toList());
    }

    @GetMapping(path = PATH + "/{clientId}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "getClient", summary = "One client (never its secret)",
            security = @SecurityRequirement(name = "oauth2", scopes = "identity:clients"),
            responses = {
                    @ApiResponse(responseCode = "200", description = "The client",
                            content = @Content(schema = @Schema(implementation = ClientBody.class))),
                    @ApiResponse(responseCode = "401", description = "No or invalid token", content = @Content(mediaType = PROBLEM)),
                    @ApiResponse(responseCode = "403", description = "Not an operator with identity:clients", content = @Content(mediaType = PROBLEM)),
                    @ApiResponse(responseCode = "404", description = "`client_not_found`", content = @Content(mediaType = PROBLEM))})
    ClientBody get(@PathVariable String clientId, @AuthenticationPrincipal Jwt caller) {
        operator(caller);
        return administration.find(clientId).map(view -> ClientBody.of(view, null))
                .orElseThrow(() -> ApiProblem.notFound("client_not_found", "No client with that id."));
    }

    @PostMapping(path = PATH + "/{clientId}/rotate", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "rotateClientCredentials", summary = "New credentials",
            description = "A secret client gets a new secret (the old one is refused from now on), shown once; a key "
                    + "client gives its new keys as `jwks` or `jwk_set_uri`.",
            security = @SecurityRequirement(name = "oauth2", scopes = "identity:clients"),
            requestBody = @io.swagger.v3.oas.annotations.parameters.RequestBody(required = false,
                    content = @Content(schema = @Schema(implementation = RotateRequest.class))),
            responses = {
                    @ApiResponse(responseCode = "200", description = "Rotated",
                            content = @Content(schema = @Schema(implementation = ClientBody.class))),
                    @ApiResponse(responseCode = "400", description = "`validation_failed`", content = @Content(mediaType = PROBLEM)),
                    @ApiResponse(responseCode = "401", description = "No or invalid token", content = @Content(mediaType = PROBLEM)),
                    @ApiResponse(responseCode = "403", description = "Not an operator with identity:clients", content = @Content(mediaType = PROBLEM)),
                    @ApiResponse(responseCode = "404", description = "`client_not_found`", content = @Content(mediaType = PROBLEM))})
    ClientBody rotate(@PathVariable String clientId, @RequestBody(required = false) Map<String, Object> body,
            @AuthenticationPrincipal Jwt caller) {
        String actor = operator(caller);
        Map<String, Object> request = body == null ? Map.of() : body;
        List<FieldViolation> violations = new ArrayList<>();
        unknownFields(request, ROTATE_FIELDS, violations);
        ClientJwks jwks = jwks(request, violations);
        URI jwkSetUri = uri(request, violations);
        if (!violations.isEmpty()) {
            throw ApiProblem.validation(violations);
        }
        Issued issued = register(() -> administration.rotate(clientId, jwks, jwkSetUri, actor));
        return ClientBody.of(issued.client(), issued.clientSecret());
    }

    @PostMapping(path = PATH + "/{clientId}/disable", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "disableClient", summary = "Disable: the client gets invalid_client everywhere",
            security = @SecurityRequirement(name = "oauth2", scopes = "identity:clients"),
            responses = {
                    @ApiResponse(responseCode = "200", description = "Disabled",
                            content = @Content(schema = @Schema(implementation = ClientBody.class))),
                    @ApiResponse(responseCode = "401", description = "No or invalid token", content = @Content(mediaType = PROBLEM)),
                    @ApiResponse(responseCode = "403", description = "Not an operator with identity:clients", content = @Content(mediaType = PROBLEM)),
                    @ApiResponse(responseCode = "404", description = "`client_not_found`", content = @Content(mediaType = PROBLEM))})
    ClientBody disable(@PathVariable String clientId, @AuthenticationPrincipal Jwt caller) {
        String actor = operator(caller);
        return ClientBody.of(register(() -> administration.setDisabled(clientId, true, actor)), null);
    }

    @PostMapping(path = PATH + "/{clientId}/enable", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "enableClient", summary = "Enable a disabled client",
            security = @SecurityRequirement(name = "oauth2", scopes = "identity:clients"),
            responses = {
                    @ApiResponse(responseCode = "200", description = "Enabled",
                            content = @Content(schema = @Schema(implementation = ClientBody.class))),
                    @ApiResponse(responseCode = "401", description = "No or invalid token", content = @Content(mediaType = PROBLEM)),
                    @ApiResponse(responseCode = "403", description = "Not an operator with identity:clients", content = @Content(mediaType = PROBLEM)),
                    @ApiResponse(responseCode = "404", description = "`client_not_found`", content = @Content(mediaType = PROBLEM))})
    ClientBody enable(@PathVariable String clientId, @AuthenticationPrincipal Jwt caller) {
        String actor = operator(caller);
        return ClientBody.of(register(() -> administration.setDisabled(clientId, false, actor)), null);
    }

    /** Domain refusals as problems: unknown → 404, taken → 409, a broken rule (e.g. refused JWKS URI) → 400. */
    private static <T> T register(java.util.function.Supplier<T> action) {
        try {
            return action.get();
        } catch (ClientAdministration.UnknownClient e) {
            throw ApiProblem.notFound("client_not_found", "No client with that id.");
        } catch (ClientAdministration.ClientExists e) {
            throw ApiProblem.conflict("client_exists", e.getMessage());
        } catch (IllegalArgumentException e) {
            throw ApiProblem.validation(List.of(new FieldViolation(ruleField(e.getMessage()), "not_allowed",
                    e.getMessage())));
        }
    }

    private static String ruleField(String message) {
        String text = message == null ? "" : message;
        if (text.contains("jwk set uri")) {
            return "jwk_set_uri";
        }
        if (text.contains("scope")) {
            return "scopes";
        }
        if (text.contains("agency id")) {
            return "agency_id";
        }
        return text.contains("jwks") || text.contains("keys") ? "jwks" : "client_type";
    }

    private static String operator(Jwt caller) {
        if (!"operator".equals(caller.getClaimAsString("client_type"))) {
            throw new ApiProblem(403, "operators_only", "Forbidden", "Only operators administer clients.");
        }
        String clientId = caller.getClaimAsString("client_id");
        return clientId != null ? clientId : caller.getSubject();
    }

    private static void unknownFields(Map<String, Object> body, Set<String> known, List<FieldViolation> violations) {
        for (String field : new TreeSet<>(body.keySet())) {
            if (!known.contains(field)) {
                violations.add(new FieldViolation(field, "unknown_field", "is not a field of this request"));
            }
        }
    }

    private static String text(Map<String, Object> body, String field, boolean required, List<FieldViolation> violations) {
        Object value = body.get(field);
        if (value == null) {
            if (required) {
                violations.add(new FieldViolation(field, "required", "is required"));
            }
            return null;
        }
        if (!(value instanceof String text) || text.isBlank()) {
            violations.add(new FieldViolation(field, "invalid_type", "must be a non-empty string"));
            return null;
        }
        return text;
    }

    private static Set<String> strings(Map<String, Object> body, String field, List<FieldViolation> violations) {
        Object value = body.get(field);
        if (!(value instanceof Collection<?> values) || values.isEmpty()) {
            violations.add(new FieldViolation(field, "required", "a non-empty list of scopes is required"));
            return Set.of();
        }
        Set<String> result = new LinkedHashSet<>();
        for (Object item : values) {
            if (!(item instanceof String text)) {
                violations.add(new FieldViolation(field, "invalid_type", "every scope must be a string"));
                return Set.of();
            }
            result.add(text);
        }
        List<String> unknown = result.stream().filter(scope -> PlatformScope.fromValue(scope).isEmpty()).toList();
        if (!unknown.isEmpty()) {
            violations.add(new FieldViolation(field, "unknown_scope", "unknown scope(s): " + String.join(", ", unknown)));
        }
        return result;
    }

    private ClientJwks jwks(Map<String, Object> body, List<FieldViolation> violations) {
        Object value = body.get("jwks");
        if (value == null) {
            return null;
        }
        if (!(value instanceof Map<?, ?>)) {
            violations.add(new FieldViolation("jwks", "invalid_type", "must be a JWK set object"));
            return null;
        }
        try {
            return ClientJwks.parse(json.writeValueAsString(new LinkedHashMap<>((Map<?, ?>) value)));
        } catch (IllegalArgumentException e) {
            violations.add(new FieldViolation("jwks", "invalid_jwks", e.getMessage()));
            return null;
        }
    }

    private static URI uri(Map<String, Object> body, List<FieldViolation> violations) {
        Object value = body.get("jwk_set_uri");
        if (value == null) {
            return null;
        }
        if (!(value instanceof String text) || text.isBlank()) {
            violations.add(new FieldViolation("jwk_set_uri", "invalid_type", "must be a URL"));
            return null;
        }
        try {
            URI uri = new URI(text.trim());
            if (!"https".equals(uri.getScheme()) && !"http".equals(uri.getScheme())) {
                violations.add(new FieldViolation("jwk_set_uri", "invalid_format", "must be an http(s) URL"));
                return null;
            }
            return uri;
        } catch (URISyntaxException e) {
            violations.add(new FieldViolation("jwk_set_uri", "invalid_format", "is not a URL"));
            return null;
        }
    }
}
