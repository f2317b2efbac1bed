package org.civicstack.identity.authorization;

import java.security.Principal;
import java.util.Collections;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.security.jackson.SecurityJacksonModules;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * The {@link JsonMapper} Spring Authorization Server reads stored authorizations with — the same modules as its own
 * default ({@code SecurityJacksonModules}, so the stored JSON is unchanged) — that remembers what the
 * {@code attributes} column parsed to. The column holds the principal and the authorization request, written once
 * at login and read back on every refresh, introspection and exchange (three times per refresh). Parsing it was
 * 44 % of identity's CPU per refresh, half of that Jackson 3 building the same deserializers again on every read:
 * Spring Security's {@code UsernamePasswordAuthenticationTokenDeserializer} and SAS's {@code JsonNodeUtils} read
 * nested values through {@code DeserializationContext.readTreeAsValue}, and a {@code Map}/{@code Set} deserializer
 * with polymorphic typing is not cacheable (bench/identity-tokens/README.md).
 *
 * <p>Safe because the result is a pure function of the text: the key is the whole JSON text, so no entry can be
 * stale and nothing needs invalidating; a changed authorization has a different text. Only texts that carry a
 * principal (the attributes column) are kept, not the per-token metadata. The value handed out is unmodifiable
 * (SAS copies it into the authorization it builds); the objects inside are the authorization request (immutable)
 * and the principal, which nothing mutates after login. At most {@code maxEntries} texts are kept; when full, the
 * cache starts again empty (a refresh's own three reads still share one parse).
 */
public final class StoredAttributesJsonMapper extends JsonMapper {

    private static final String PRINCIPAL_ATTRIBUTE = "\"" + Principal.class.getName() + "\"";

    private final int maxEntries;
    private final Map<String, Map<String, Object>> parsed = new ConcurrentHashMap<>();

    private StoredAttributesJsonMapper(JsonMapper.Builder builder, int maxEntries) {
        super(builder);
        this.maxEntries = maxEntries;
    }

    /** As Spring Authorization Server's {@code JdbcOAuth2AuthorizationService} builds its mapper. */
    public static StoredAttributesJsonMapper create(int maxEntries) {
        ClassLoader loader = JdbcOAuth2AuthorizationService.class.getClassLoader();
        return new StoredAttributesJsonMapper(JsonMapper.builder().addModules(SecurityJacksonModules.getModules(loader)),
                maxEntries);
    }

    /** How many attribute texts are remembered now. */
    int size() {
        return parsed.size();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T readValue(String content, JavaType valueType) throws JacksonException {
        if (content == null || !valueType.isMapLikeType() || !content.contains(PRINCIPAL_ATTRIBUTE)) {
            return super.readValue(content, valueType);
        }
        Map<String, Object> known = parsed.get(content);
        if (known == null) {
            known = Collections.unmodifiableMap((Map<String, Object>) super.readValue(content, valueType));
            if (parsed.size() >= maxEntries) {
                parsed.clear();
            }
            parsed.put(content, known);
        }
        return (T) known;
    }
}
