package org.civicstack.identity.login;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

class OneTimeCodeTest {

    @Test
    void generatedCodesAreSixDigitsAndVary() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 200; i++) {
            String code = OneTimeCode.generate().reveal();
            assertThat(code).matches("[0-9]{6}");
            seen.add(code);
        }
        assertThat(seen.size()).isGreaterThan(190);
    }

    @Test
    void parsesWhatPeopleTypeAndRefusesTheRest() {
        assertThat(OneTimeCode.parse(" 123 456 ")).map(OneTimeCode::reveal).hasValue("123456");
        assertThat(OneTimeCode.parse("12345")).isEmpty();
        assertThat(OneTimeCode.parse("1234567")).isEmpty();
        assertThat(OneTimeCode.parse("12345a")).isEmpty();
        assertThat(OneTimeCode.parse("１２３４５６")).isEmpty();
        assertThat(OneTimeCode.parse(null)).isEmpty();
    }

    @Test
    void neverShowsItselfInToString() {
        assertThat(OneTimeCode.parse("123456").orElseThrow().toString()).doesNotContain("123456");
    }

    @Test
    void theStoredHashIsKeyedAndBoundToTheChallenge() {
        OneTimeCode code = OneTimeCode.parse("123456").orElseThrow();
        LoginChallengeId one = new LoginChallengeId(UUID.randomUUID());
        LoginChallengeId two = new LoginChallengeId(UUID.randomUUID());
        LoginCodeHasher hasher = new LoginCodeHasher("k".repeat(32));

        assertThat(hasher.matches(one, code, hasher.hash(one, code))).isTrue();
        assertThat(hasher.hash(one, code)).isNotEqualTo(hasher.hash(two, code))
                .isNotEqualTo(new LoginCodeHasher("j".repeat(32)).hash(one, code));
        assertThat(hasher.matches(one, OneTimeCode.parse("123457").orElseThrow(), hasher.hash(one, code))).isFalse();
    }
}
