package org.civicstack.payments.reconciliation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.civicstack.payments.PaymentsTestSupport;
import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.Test;

/**
 * The daily reconciliation reads one account's payments and refunds of one day through an index (V23), not every
 * order ever made: the statements of {@code Reconciler}, planned with sequential scans priced out.
 */
class ReconciliationLookupsIT extends PaymentsTestSupport {

    static final List<String> STATEMENTS = List.of(
            "select id, amount, status from payment where channel_account_id = 'a' and paid_at >= now() - interval '1 day'"
                    + " and paid_at < now() and status = 'succeeded'",
            "select r.id, r.payment_id, r.amount, r.status from refund r join payment p on p.id = r.payment_id"
                    + " where p.channel_account_id = 'a' and r.status = 'succeeded'"
                    + " and r.completed_at >= now() - interval '1 day' and r.completed_at < now()");

    @Test
    void theDailyReconciliationReadsThroughIndexes() {
        for (String statement : STATEMENTS) {
            assertThat(TestInfrastructure.planWithoutSequentialScans("civicstack_payments", statement)).as(statement)
                    .doesNotContain("Seq Scan");
        }
    }
}
