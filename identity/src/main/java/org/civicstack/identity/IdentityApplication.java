package org.civicstack.identity;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** CivicStack identity: unified identity: citizen accounts, real-name assurance levels, the OAuth 2.1 / OpenID Connect provider and the token audit log. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class IdentityApplication {


    public static void main(String[] args) {
        SpringApplication.run(IdentityApplication.class, args);
    }
}
