package org.civicstack.payments;

import org.civicstack.platform.net.UpstreamSafetyConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/** CivicStack payments: unified payment: payment orders, the cashier, channel adapters, refunds, ledger, agency webhooks and reconciliation. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import(UpstreamSafetyConfiguration.class)
public class PaymentsApplication {

    public static void main(String[] args) {
        SpringApplication.run(PaymentsApplication.class, args);
    }
}
