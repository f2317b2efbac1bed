package org.civicstack.identity.authorization;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.Principal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.jackson.SecurityJacksonModules;
import org.springframework.security.oauth2.core.endpoint.OAuth2AuthorizationRequest;
import org.springframework.security.oauth2.server.authorization.JdbcOAuth2AuthorizationService;
import tools.jackson.databind.JavaType;
import tools.jackson.databind.json.JsonMapper;

/** The remembered parse of the attributes column is what Spring Authorization Server's own mapper reads. */
class StoredAttributesJsonMapperTest {

    static final JsonMapper LIBRARY = JsonMapper.builder()
            .addModules(SecurityJacksonModules.getModules(JdbcOAuth2AuthorizationService.class.getClassLoader())).build();
    static final JavaType MAP = LIBRARY.getTypeFactory().constructMapType(Map.class, String.class, Object.class);

    static String attributes(String citizen, String state) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put(Principal.class.getName(), UsernamePasswordAuthenticationToken.authenticated(citizen, null,
                List.of(new SimpleGrantedAuthority("ROLE_CITIZEN"), new SimpleGrantedAuthority("AMR_sms"))));
        attributes.put(OAuth2AuthorizationRequest.class.getName(), OAuth2AuthorizationRequest.authorizationCode()
                .authorizationUri("http://localhost:8080/oauth2/authorize").clientId("city-app")
                .redirectUri("civicstack://callback").scopes(Set.of("openid", "offline_access")).state(state)
                .additionalParameters(Map.of("nonce", "n-1", "code_challenge_method", "S256")).build());
        return LIBRARY.writeValueAsString(attributes);
    }

    @Test
    void readsWhatTheLibraryReadsOnceAndHandsOutTheSameUnmodifiableResult() {
        StoredAttributesJsonMapper mapper = StoredAttributesJsonMapper.create(16);
        String text = attributes("3f1c4a5e-0000-4000-8000-000000000001", "s-1");

        Map<String, Object> library = LIBRARY.readValue(text, MAP);
        Map<String, Object> first = mapper.readValue(text, MAP);
        Map<String, Object> second = mapper.readValue(new String(text.toCharArray()), MAP);

        UsernamePasswordAuthenticationToken principal = (UsernamePasswordAuthenticationToken) first.get(Principal.class.getName());
        UsernamePasswordAuthenticationToken expected = (UsernamePasswordAuthenticationToken) library.get(Principal.class.getName());
        assertThat(principal.getName()).isEqualTo(expected.getName()).isEqualTo("3f1c4a5e-0000-4000-8000-000000000001");
        assertThat(principal.getAuthorities()).isEqualTo(expected.getAuthorities());
        assertThat(principal.isAuthenticated()).isTrue();
        OAuth2AuthorizationRequest request = (OAuth2AuthorizationRequest) first.get(OAuth2AuthorizationRequest.class.getName());
        OAuth2AuthorizationRequest expectedRequest = (OAuth2AuthorizationRequest) library.get(OAuth2AuthorizationRequest.class.getName());
        assertThat(request.getClientId()).isEqualTo(expectedRequest.getClientId()).isEqualTo("city-app");
        assertThat(request.getScopes()).isEqualTo(expectedRequest.getScopes());
        assertThat(request.getAdditionalParameters()).isEqualTo(expectedRequest.getAdditionalParameters())
                .containsEntry("nonce", "n-1");
        assertThat(request.getState()).isEqualTo("s-1");

        assertThat(second).as("an equal text is answered from memory").isSameAs(first);
        assertThat(mapper.size()).isEqualTo(1);
        assertThatThrownBy(() -> second.put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void anotherTextIsParsedOnItsOwnAndTextsWithoutAPrincipalAreNotKept() {
        StoredAttributesJsonMapper mapper = StoredAttributesJsonMapper.create(16);
        Map<String, Object> one = mapper.readValue(attributes("citizen-1", "s-1"), MAP);
        Map<String, Object> other = mapper.readValue(attributes("citizen-2", "s-1"), MAP);
        assertThat(((Principal) other.get(Principal.class.getName())).getName()).isEqualTo("citizen-2");
        assertThat(((Principal) one.get(Principal.class.getName())).getName()).isEqualTo("citizen-1");

        String metadata = LIBRARY.writeValueAsString(new java.util.HashMap<>(Map.of("metadata.token.invalidated", false)));
        Map<String, Object> parsed = mapper.readValue(metadata, MAP);
        assertThat(parsed).containsEntry("metadata.token.invalidated", false);
        Map<String, Object> again = mapper.readValue(metadata, MAP);
        assertThat(again).isNotSameAs(parsed);
        assertThat(mapper.size()).isEqualTo(2);
    }

    @Test
    void keepsAtMostItsBound() {
        StoredAttributesJsonMapper mapper = StoredAttributesJsonMapper.create(3);
        for (int i = 0; i < 10; i++) {
            Map<String, Object> parsed = mapper.readValue(attributes("citizen-" + i, "s"), MAP);
            assertThat(parsed).containsKey(Principal.class.getName());
            assertThat(mapper.size()).isLessThanOrEqualTo(3);
        }
    }
}
