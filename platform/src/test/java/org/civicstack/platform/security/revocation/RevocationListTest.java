package org.civicstack.platform.security.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class RevocationListTest {

    static final long NOW = 1_800_000_000_000L;
    final AtomicLong clock = new AtomicLong(NOW);
    final RevocationList list = new RevocationList(clock::get, 60_000);

    /** The claims the list checks, as the gateway and the resource servers pass them. */
    record Token(String jti, String sid, String sub, String client, long iatMillis) {
    }

    static Token token(String jti, String sid, String sub, String client, long iatMillis) {
        return new Token(jti, sid, sub, client, iatMillis);
    }

    RevocationList.Refusal refusal(Token token) {
        return list.refusal(token.jti(), token.sid(), token.sub(), token.client(), token.iatMillis());
    }

    @Nested
    class WhenCurrent {

        WhenCurrent() {
            list.setCurrent(true);
        }

        @Test
        void nothingRevokedLetsEveryTokenPass() {
            assertThat(refusal(token("j", "s", "c", "app", NOW - 3_600_000))).isNull();
        }

        @Test
        void tokenAndSessionRevocationsRefuseWhateverTheIssueTime() {
            list.apply("token", "j1", NOW, NOW + 600_000);
            list.apply("session", "s1", NOW, NOW + 600_000);
            assertThat(refusal(token("j1", "s9", "c", "app", NOW + 5_000))).isEqualTo(RevocationList.Refusal.TOKEN);
            assertThat(refusal(token("j9", "s1", "c", "app", NOW + 5_000))).isEqualTo(RevocationList.Refusal.SESSION);
            assertThat(refusal(token("j9", "s9", "c", "app", NOW))).isNull();
        }

        @Test
        void citizenAndClientRevocationsRefuseTokensIssuedAtOrBeforeThem() {
            list.apply("citizen", "c1", NOW, NOW + 600_000);
            list.apply("client", "app2", NOW, NOW + 600_000);
            assertThat(refusal(token("j", "s", "c1", "app", NOW))).isEqualTo(RevocationList.Refusal.CITIZEN);
            assertThat(refusal(token("j", "s", "c1", "app", NOW + 1_000))).isNull();
            assertThat(refusal(token("j", "s", "c2", "app2", NOW - 1))).isEqualTo(RevocationList.Refusal.CLIENT);
            assertThat(refusal(token("j", "s", "c2", "app2", NOW + 1_000))).isNull();
        }

        @Test
        void expiredEntriesAreDroppedAndUnknownKindsRefused() {
            assertThat(list.apply("planet", "x", NOW, NOW + 1)).isFalse();
            list.apply("token", "j1", NOW, NOW + 1_000);
            list.apply("token", "j1", NOW, NOW + 1_000); // a redelivery changes nothing
            assertThat(list.size()).isEqualTo(1);
            clock.set(NOW + 1_000);
            list.purgeExpired();
            assertThat(list.size()).isZero();
            assertThat(refusal(token("j1", "s", "c", "app", NOW))).isNull();
        }
    }

    @Test
    void absentIdentifiersMatchNothing() {
        list.setCurrent(true);
        list.apply("client", "app", NOW, NOW + 600_000);
        assertThat(refusal(token(null, null, "app", null, NOW - 1_000))).isNull();
        assertThat(refusal(token(null, null, "app", "app", NOW - 1_000))).isEqualTo(RevocationList.Refusal.CLIENT);
    }

    @Test
    void anUncheckedListRefusesNothing() {
        RevocationList unchecked = RevocationList.unchecked();
        assertThat(unchecked.current()).isTrue();
        assertThat(unchecked.refusal("j", "s", "c", "app", 0)).isNull();
    }

    @Test
    void whileNotCurrentYoungTokensPassAndOlderOnesAreRefused() {
        list.setCurrent(false);
        assertThat(refusal(token("j", "s", "c", "app", NOW - 60_000))).isNull();
        assertThat(refusal(token("j", "s", "c", "app", NOW - 60_001))).isEqualTo(RevocationList.Refusal.UNVERIFIED);
    }
}
