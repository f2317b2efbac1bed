package org.civicstack.identity.session;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import org.civicstack.identity.assurance.AssuranceLevel;
import org.civicstack.identity.citizen.CitizenId;
import org.civicstack.identity.citizen.MobileNumber;
import org.civicstack.identity.login.CitizenLoginPrincipal;
import org.junit.jupiter.api.Test;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.oauth2.core.AuthorizationGrantType;
import org.springframework.security.oauth2.core.ClientAuthenticationMethod;
import org.springframework.security.oauth2.core.OAuth2AccessToken;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2RefreshToken;
import org.springframework.security.oauth2.core.oidc.OidcUserInfo;
import org.springframework.security.oauth2.server.authorization.OAuth2Authorization;
import org.springframework.security.oauth2.server.authorization.OAuth2TokenType;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2AuthorizationCodeAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.authentication.OAuth2ClientAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcUserInfoAuthenticationContext;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcUserInfoAuthenticationToken;
import org.springframework.security.oauth2.server.authorization.settings.ClientSettings;
import org.springframework.security.oauth2.server.authorization.token.DefaultOAuth2TokenContext;

/** The citizen app's refresh token generator and userinfo mapper, without Spring. */
class CitizenAppTokensTest {

    static final SessionProperties PROPERTIES = new SessionProperties(Duration.ofDays(14), Duration.ofDays(90),
            Duration.ofHours(1));

    static RegisteredClient client(String type) {
        ClientSettings.Builder settings = ClientSettings.builder().requireProofKey(true);
        if (type != null) {
            settings.setting(CitizenTokenFixture.CLIENT_TYPE_SETTING, type);
        }
        return RegisteredClient.withId(UUID.randomUUID().toString()).clientId("app")
                .clientAuthenticationMethod(ClientAuthenticationMethod.NONE)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrantType(AuthorizationGrantType.REFRESH_TOKEN)
                .redirectUri("https://app.example/cb").clientSettings(settings.build()).build();
    }

    static DefaultOAuth2TokenContext codeGrantContext(RegisteredClient client, OAuth2TokenType type) {
        OAuth2ClientAuthenticationToken clientPrincipal = new OAuth2ClientAuthenticationToken(client,
                ClientAuthenticationMethod.NONE, null);
        return DefaultOAuth2TokenContext.builder().registeredClient(client).tokenType(type)
                .authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .authorizationGrant(new OAuth2AuthorizationCodeAuthenticationToken("code", clientPrincipal,
                        "https://app.example/cb", null))
                .build();
    }

    @Test
    void theCitizenAppGetsARefreshTokenAtTheCodeGrantWithTheConfiguredLifetime() {
        OAuth2RefreshToken token = new CitizenAppRefreshTokenGenerator(PROPERTIES)
                .generate(codeGrantContext(client("citizen_app"), OAuth2TokenType.REFRESH_TOKEN));

        assertThat(token).isNotNull();
        assertThat(token.getTokenValue()).hasSize(128); // 96 random bytes, base64url
        assertThat(Duration.between(token.getIssuedAt(), token.getExpiresAt())).isEqualTo(Duration.ofDays(14));
    }

    @Test
    void anyOtherClientOrTokenTypeIsLeftToTheLibrary() {
        CitizenAppRefreshTokenGenerator generator = new CitizenAppRefreshTokenGenerator(PROPERTIES);

        assertThat(generator.generate(codeGrantContext(client(null), OAuth2TokenType.REFRESH_TOKEN))).isNull();
        assertThat(generator.generate(codeGrantContext(client("agency"), OAuth2TokenType.REFRESH_TOKEN))).isNull();
        assertThat(generator.generate(codeGrantContext(client("citizen_app"), OAuth2TokenType.ACCESS_TOKEN))).isNull();
    }

    @Test
    void sessionLifetimeShorterThanARefreshTokenIsRefused() {
        assertThatThrownBy(() -> new SessionProperties(Duration.ofDays(30), Duration.ofDays(7), Duration.ofHours(1)))
                .hasMessageContaining("absolute-lifetime");
    }

    static OidcUserInfoAuthenticationContext userInfoContext(Object principal, Set<String> scopes) {
        Instant now = Instant.now();
        OAuth2AccessToken accessToken = new OAuth2AccessToken(OAuth2AccessToken.TokenType.BEARER, "at", now,
                now.plusSeconds(300), scopes);
        OAuth2Authorization authorization = OAuth2Authorization.withRegisteredClient(client("citizen_app"))
                .principalName("p").authorizationGrantType(AuthorizationGrantType.AUTHORIZATION_CODE)
                .attribute(Principal.class.getName(), principal).accessToken(accessToken).build();
        return OidcUserInfoAuthenticationContext.with(new OidcUserInfoAuthenticationToken(
                        UsernamePasswordAuthenticationToken.authenticated("p", null, List.of())))
                .accessToken(accessToken).authorization(authorization).build();
    }

    @Test
    void userInfoHasSubAcrAndThePhoneOnlyWithThePhoneScope() {
        CitizenId citizen = CitizenId.random();
        MobileNumber mobile = MobileNumber.parse("13912345678").orElseThrow();
        CitizenUserInfoMapper mapper = new CitizenUserInfoMapper(id -> AssuranceLevel.IDENTITY_VERIFIED,
                id -> id.equals(citizen) ? Optional.of(mobile) : Optional.empty());
        Object principal = CitizenLoginPrincipal.create(citizen, UUID.randomUUID(), Instant.now(), List.of("sms"));

        OidcUserInfo withPhone = mapper.apply(userInfoContext(principal, Set.of("openid", "phone")));
        OidcUserInfo withoutPhone = mapper.apply(userInfoContext(principal, Set.of("openid")));

        assertThat(withPhone.getSubject()).isEqualTo(citizen.toString());
        assertThat(withPhone.getClaimAsString("acr")).isEqualTo("urn:civicstack:acr:2");
        assertThat(withPhone.getPhoneNumber()).isEqualTo("+8613912345678");
        assertThat(withPhone.getPhoneNumberVerified()).isTrue();
        assertThat(withoutPhone.getClaims()).containsOnlyKeys("sub", "acr");
    }

    @Test
    void userInfoForANonCitizenTokenIsInvalidToken() {
        CitizenUserInfoMapper mapper = new CitizenUserInfoMapper(id -> AssuranceLevel.PHONE_VERIFIED,
                id -> Optional.empty());
        Object client = UsernamePasswordAuthenticationToken.authenticated("agency-x", null, List.of());

        assertThatThrownBy(() -> mapper.apply(userInfoContext(client, Set.of("openid"))))
                .isInstanceOf(OAuth2AuthenticationException.class);
    }
}
