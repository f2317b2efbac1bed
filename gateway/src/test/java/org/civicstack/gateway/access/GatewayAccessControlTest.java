package org.civicstack.gateway.access;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.gateway.access.CitizenTokens.ISSUER;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.RSAKey;
import org.civicstack.platform.error.ApiProblem;
import org.junit.jupiter.api.Test;

class GatewayAccessControlTest {

    static final RSAKey KEY = CitizenTokens.newKey("k1");
    static final AccessRequirement LEVEL_2 = new AccessRequirement(true, 2, List.of());

    final AtomicLong now = new AtomicLong(1_767_225_600_000L);
    final AtomicInteger exchanges = new AtomicInteger();
    final TokenValidator validator = new TokenValidator(
            kid -> CompletableFuture.completedFuture(kid.equals("k1") ? (JWK) KEY.toPublicJWK() : null),
            new JwsVerifiers(), ISSUER, Duration.ofSeconds(30), 100, now::get);
    final GatewayAccessControl access = new GatewayAccessControl(validator, new AssertionCache((token, service, agency) -> {
        exchanges.incrementAndGet();
        return CompletableFuture.completedFuture(new Assertion("assertion-for-" + service, now.get() + 120_000));
    }, Duration.ofSeconds(10), Duration.ofSeconds(30), 100, now::get));

    AccessDecision decide(AccessRequirement requirement, String authorization) {
        CompletableFuture<AccessDecision> decision = access.authorize(requirement, authorization);
        assertThat(decision).as("answered without a hop: the key is known").isDone();
        return decision.join();
    }

    ApiProblem denied(AccessRequirement requirement, String authorization) {
        AccessDecision decision = decide(requirement, authorization);
        assertThat(decision).isInstanceOf(AccessDecision.Denied.class);
        return ((AccessDecision.Denied) decision).problem();
    }

    @Test
    void anonymousServicesNeedNothingAndIgnoreAnyToken() {
        assertThat(decide(AccessRequirement.ANONYMOUS, null)).isEqualTo(AccessDecision.ANONYMOUS);
        assertThat(decide(AccessRequirement.ANONYMOUS, "Bearer garbage")).isEqualTo(AccessDecision.ANONYMOUS);
    }

    @Test
    void noTokenIsAChallengeWithoutAnErrorCode() {
        for (String none : new String[] {null, "", "Basic dXNlcjpwYXNz"}) {
            ApiProblem problem = denied(LEVEL_2, none);
            assertThat(problem.status()).isEqualTo(401);
            assertThat(problem.code()).isEqualTo("token_missing");
            assertThat(problem.headers()).containsEntry("WWW-Authenticate", "Bearer realm=\"civicstack\"");
        }
    }

    @Test
    void aBadTokenIsInvalidToken() {
        for (String bad : new String[] {"Bearer not.a.jwt", "Bearer ", "Bearer a b", "bearer x\"y"}) {
            ApiProblem problem = denied(LEVEL_2, bad);
            assertThat(problem.status()).isEqualTo(401);
            assertThat(problem.code()).isEqualTo("token_invalid");
            assertThat(problem.headers().get("WWW-Authenticate"))
                    .startsWith("Bearer realm=\"civicstack\", error=\"invalid_token\", error_description=\"");
        }
    }

    @Test
    void aLevelTooLowIsAStepUpChallengeNotAForbidden() {
        ApiProblem problem = denied(LEVEL_2, "Bearer " + CitizenTokens.token(KEY, now.get(), 1));

        assertThat(problem.status()).isEqualTo(401);
        assertThat(problem.code()).isEqualTo("assurance_level_too_low");
        assertThat(problem.headers().get("WWW-Authenticate"))
                .startsWith("Bearer realm=\"civicstack\", error=\"insufficient_user_authentication\", error_description=\"")
                .endsWith("acr_values=\"urn:civicstack:acr:2\"");
    }

    @Test
    void aMissingScopeIsForbiddenWithTheScopeNeeded() {
        AccessRequirement needsScope = new AccessRequirement(true, 1, List.of("openid", "permits:apply"));

        ApiProblem problem = denied(needsScope, "Bearer " + CitizenTokens.token(KEY, now.get(), 3));

        assertThat(problem.status()).isEqualTo(403);
        assertThat(problem.code()).isEqualTo("insufficient_scope");
        assertThat(problem.headers()).containsEntry("WWW-Authenticate",
                "Bearer realm=\"civicstack\", error=\"insufficient_scope\", scope=\"openid permits:apply\"");
    }

    @Test
    void aSufficientTokenIsTheCitizenAndGetsAnAssertion() {
        String token = CitizenTokens.token(KEY, now.get(), 2);
        AccessDecision decision = decide(new AccessRequirement(true, 2, List.of("openid")), "bearer " + token);

        assertThat(decision).isInstanceOfSatisfying(AccessDecision.Citizen.class, citizen -> {
            assertThat(citizen.token().assuranceLevel()).isEqualTo(2);
            assertThat(citizen.bearer()).isEqualTo(token);
            assertThat(citizen.toString()).doesNotContain(token);
            assertThat(access.assertion(citizen, "sz-permits", "agy_1").join().value()).isEqualTo("assertion-for-sz-permits");
            assertThat(access.assertion(citizen, "sz-permits", "agy_1").join().value()).isEqualTo("assertion-for-sz-permits");
        });
        assertThat(exchanges).hasValue(1);
    }

    @Test
    void requirementsAreCompiledFromTheRegistrysAccessMember() {
        assertThat(AccessRequirement.of("anonymous", 0, null)).isEqualTo(AccessRequirement.ANONYMOUS);
        assertThat(AccessRequirement.of(null, 3, null)).isEqualTo(AccessRequirement.ANONYMOUS);
        assertThat(AccessRequirement.of("citizen", 0, List.of("a"))).isEqualTo(new AccessRequirement(true, 1, List.of("a")));
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> AccessRequirement.of("operator", 1, null));
        org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
                .isThrownBy(() -> AccessRequirement.of("citizen", 4, null));
    }
}
