package org.civicstack.identity.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.UUID;

import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/** Token events land in the outbox with the transaction that recorded them, or not at all. */
@ServiceIntegrationTest
class OutboxTokenEventsIT {

    @Autowired
    TokenEvents events;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TransactionTemplate transaction;

    @Test
    void aTransactionsEventsAreWrittenTogetherWhenItCommits() {
        String session = UUID.randomUUID().toString();

        transaction.executeWithoutResult(status -> {
            events.record(TokenEvent.of(TokenEventType.TOKEN_ISSUED).session(session).jti("it-a").build());
            events.record(TokenEvent.of(TokenEventType.TOKEN_REFRESHED).session(session).build());
            assertThat(count(session)).as("written just before the commit").isZero();
        });

        assertThat(jdbc.queryForList("SELECT payload->>'kind' FROM outbox_event WHERE payload->>'sid' = ? "
                + "ORDER BY id", String.class, session)).containsExactly("token_issued", "token_refreshed");
    }

    @Test
    void aRolledBackTransactionRecordsNothing() {
        String session = UUID.randomUUID().toString();

        transaction.executeWithoutResult(status -> {
            events.record(TokenEvent.of(TokenEventType.TOKEN_ISSUED).session(session).build());
            status.setRollbackOnly();
        });

        assertThat(count(session)).isZero();
    }

    @Test
    void outsideATransactionAnEventIsWrittenAtOnce() {
        String session = UUID.randomUUID().toString();

        events.record(TokenEvent.of(TokenEventType.SESSION_ENDED).session(session).build());

        assertThat(count(session)).isEqualTo(1);
    }

    private int count(String session) {
        return jdbc.queryForObject("SELECT count(*) FROM outbox_event WHERE payload->>'sid' = ?", Integer.class,
                session);
    }
}
