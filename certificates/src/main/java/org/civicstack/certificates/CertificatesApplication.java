package org.civicstack.certificates;

import org.civicstack.platform.net.UpstreamSafetyConfiguration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Import;

/** CivicStack certificates: electronic certificates: credential types, issuance, the citizen wallet, consent-based sharing, verification and status lists. */
@SpringBootApplication
@ConfigurationPropertiesScan
// presentation request callbacks are outbound calls to agencies: the upstream SSRF policy applies
@Import(UpstreamSafetyConfiguration.class)
public class CertificatesApplication {

    public static void main(String[] args) {
        SpringApplication.run(CertificatesApplication.class, args);
    }
}
