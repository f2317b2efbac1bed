package org.civicstack.gateway.usage;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The usage recorder: one record per dispatched request onto {@value UsageRecorder#STREAM} (a citizen token involved)
 * or {@value UsageRecorder#ANONYMOUS_STREAM}.
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(UsageProperties.class)
public class UsageConfiguration {

    @Bean
    UsageRecorder usageRecorder(ReactiveStringRedisTemplate redis, MeterRegistry meters, UsageProperties properties) {
        return new UsageRecorder(redis, meters, properties.streamMaxLength());
    }
}
