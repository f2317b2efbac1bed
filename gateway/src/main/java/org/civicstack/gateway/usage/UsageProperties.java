package org.civicstack.gateway.usage;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The usage stream ({@code civicstack.gateway.usage.*}).
 *
 * @param streamMaxLength about how many records each usage stream keeps ({@value UsageRecorder#STREAM}, records that
 *        concern a citizen token, and {@value UsageRecorder#ANONYMOUS_STREAM}; approximate trimming on every write;
 *        default 1,000,000 — the audit and metrics consumers must read faster than that fills)
 */
@Validated
@ConfigurationProperties("civicstack.gateway.usage")
public record UsageProperties(@Min(1) @DefaultValue("1000000") long streamMaxLength) {
}
