package org.civicstack.identity;

import org.apache.catalina.webresources.TomcatURLStreamHandlerFactory;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Keeps identity from claiming JVM-wide state. Tomcat would install a JVM-wide URL stream handler factory (for
 * {@code war:} URLs, which we never use); in the all-in-one run the services share one JVM and identity may start
 * more than once (tests), and the second install fails with "factory already defined". Runs before the context
 * refreshes, i.e. before Tomcat starts. See docs/adr/0001-all-in-one-launcher.md.
 */
public final class JvmSharingInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        TomcatURLStreamHandlerFactory.disable();
    }
}
