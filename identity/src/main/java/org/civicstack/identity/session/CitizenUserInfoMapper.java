package org.civicstack.identity.session;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import org.civicstack.identity.assurance.AssuranceLevels;
import org.civicstack.identity.citizen.CitizenId;
import org.civicstack.identity.citizen.MobileNumber;
import org.civicstack.identity.login.CitizenLoginPrincipal.LoginFacts;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.oidc.OidcScopes;
import org.springframework.security.oauth2.core.oidc.OidcUserInfo;
import org.springframework.security.oauth2.server.authorization.oidc.authentication.OidcUserInfoAuthenticationContext;

/**
 * The OIDC userinfo answer for a citizen token: {@code sub} (the citizen id), {@code acr} (the citizen's current
 * level), and with the {@code phone} scope {@code phone_number} (E.164) + {@code phone_number_verified: true} (the
 * number is what the SMS login proved). Plug into SAS with
 * {@code server.oidc(oidc -> oidc.userInfoEndpoint(u -> u.userInfoMapper(mapper)))}. A token that is not a
 * citizen's gets {@code invalid_token}: userinfo describes a person.
 */
public final class CitizenUserInfoMapper implements Function<OidcUserInfoAuthenticationContext, OidcUserInfo> {

    private final AssuranceLevels levels;
    private final Function<CitizenId, Optional<MobileNumber>> mobiles;

    public CitizenUserInfoMapper(AssuranceLevels levels, Function<CitizenId, Optional<MobileNumber>> mobiles) {
        this.levels = levels;
        this.mobiles = mobiles;
    }

    @Override
    public OidcUserInfo apply(OidcUserInfoAuthenticationContext context) {
        LoginFacts login = TokenFamilies.loginOf(context.getAuthorization())
                .orElseThrow(() -> new OAuth2AuthenticationException(OAuth2ErrorCodes.INVALID_TOKEN));
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("sub", login.citizen().toString());
        claims.put("acr", levels.currentLevel(login.citizen()).acr());
        if (context.getAccessToken().getScopes().contains(OidcScopes.PHONE)) {
            mobiles.apply(login.citizen()).ifPresent(mobile -> {
                claims.put("phone_number", mobile.e164());
                claims.put("phone_number_verified", true);
            });
        }
        return new OidcUserInfo(claims);
    }
}
