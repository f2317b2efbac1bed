package org.civicstack.identity.login;

import org.civicstack.testkit.AliyunSmsStandIn;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Base of the login ITs: identity on a random port with its Aliyun SMS adapter pointed at {@link AliyunSmsStandIn}.
 * Subclasses share one Spring context.
 */
@ServiceIntegrationTest
public abstract class LoginIntegrationTest {

    @DynamicPropertySource
    static void smsProvider(DynamicPropertyRegistry registry) {
        registry.add("civicstack.identity.sms.provider", () -> "aliyun");
        registry.add("civicstack.identity.sms.aliyun.endpoint", AliyunSmsStandIn::endpoint);
    }
}
