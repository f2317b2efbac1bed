package org.civicstack.identity;

import org.apache.catalina.webresources.TomcatURLStreamHandlerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** CivicStack identity: unified identity: citizen accounts, real-name assurance levels, the OAuth 2.1 / OpenID Connect provider and the token audit log. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class IdentityApplication {

    static {
        // Tomcat would install a JVM-wide URL stream handler factory (for war: URLs we never use). In the all-in-one
        // run several services share the JVM and identity may be started more than once (tests), so it must not
        // claim JVM-wide state: see docs/adr/0001-all-in-one-launcher.md.
        TomcatURLStreamHandlerFactory.disable();
    }

    public static void main(String[] args) {
        SpringApplication.run(IdentityApplication.class, args);
    }
}
