package org.civicstack.identity.login;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import org.civicstack.identity.citizen.CitizenId;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;
import org.springframework.security.core.authority.FactorGrantedAuthority;
import org.springframework.security.core.authority.SimpleGrantedAuthority;

/**
 * The authenticated citizen after a completed login, as Spring Security and the authorization server carry it.
 * Spring Authorization Server stores the principal of every authorization as JSON with an allow-list of types, so
 * the facts travel in types it already knows: a {@link UsernamePasswordAuthenticationToken} whose name is the
 * {@link CitizenId} and whose authorities encode the login facts ({@code CITIZEN}, {@code SID:<uuid>},
 * {@code AUTH_TIME:<epoch seconds>}, {@code AMR:<method>}) plus Spring Security's {@link FactorGrantedAuthority}
 * {@code FACTOR_OTT} issued at the login time (the ID token's {@code auth_time} source; also on SAS's allow-list).
 * Read them back only through {@link #read}.
 */
public final class CitizenLoginPrincipal {

    public static final String CITIZEN = "CITIZEN";
    private static final String SID = "SID:";
    private static final String AUTH_TIME = "AUTH_TIME:";
    private static final String AMR = "AMR:";

    private CitizenLoginPrincipal() {
    }

    /** What a completed login established. */
    public record LoginFacts(CitizenId citizen, UUID sid, Instant authTime, List<String> amr) {
    }

    public static Authentication create(CitizenId citizen, UUID sid, Instant authTime, List<String> amr) {
        List<GrantedAuthority> authorities = new ArrayList<>();
        authorities.add(new SimpleGrantedAuthority(CITIZEN));
        authorities.add(new SimpleGrantedAuthority(SID + sid));
        authorities.add(new SimpleGrantedAuthority(AUTH_TIME + authTime.getEpochSecond()));
        amr.forEach(method -> authorities.add(new SimpleGrantedAuthority(AMR + method)));
        // Spring Security 7's record of when a factor was proven: the authorization server reads the ID token's
        // auth_time from it (and refuses to issue one without it); a one-time code is the OTT factor
        authorities.add(FactorGrantedAuthority.withAuthority(FactorGrantedAuthority.OTT_AUTHORITY).issuedAt(authTime)
                .build());
        return UsernamePasswordAuthenticationToken.authenticated(citizen.toString(), null, authorities);
    }

    /** The login facts of a citizen principal; empty for any other principal (a client, an operator). */
    public static Optional<LoginFacts> read(Authentication principal) {
        if (principal == null || principal.getAuthorities().stream().noneMatch(a -> CITIZEN.equals(a.getAuthority()))) {
            return Optional.empty();
        }
        UUID sid = null;
        Instant authTime = null;
        List<String> amr = new ArrayList<>();
        for (GrantedAuthority authority : principal.getAuthorities()) {
            String value = authority.getAuthority();
            if (value == null) {
                continue;
            }
            if (value.startsWith(SID)) {
                sid = UUID.fromString(value.substring(SID.length()));
            } else if (value.startsWith(AUTH_TIME)) {
                authTime = Instant.ofEpochSecond(Long.parseLong(value.substring(AUTH_TIME.length())));
            } else if (value.startsWith(AMR)) {
                amr.add(value.substring(AMR.length()));
            }
        }
        if (sid == null || authTime == null) {
            return Optional.empty();
        }
        return Optional.of(new LoginFacts(CitizenId.parse(principal.getName()), sid, authTime, List.copyOf(amr)));
    }
}
