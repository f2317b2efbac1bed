package org.civicstack.certificates;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** CivicStack certificates: electronic certificates: credential types, issuance, the citizen wallet, consent-based sharing, verification and status lists. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class CertificatesApplication {

    public static void main(String[] args) {
        SpringApplication.run(CertificatesApplication.class, args);
    }
}
