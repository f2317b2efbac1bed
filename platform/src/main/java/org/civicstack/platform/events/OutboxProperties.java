package org.civicstack.platform.events;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The outbox relay ({@code civicstack.events.outbox.*}).
 *
 * @param enabled run the relay in this instance (every instance may; only one publishes at a time)
 * @param pollInterval how often unpublished events are looked for; the upper bound of publish latency
 * @param batchSize events published per round at most
 * @param streamMaxLength approximate length each Redis Stream is trimmed to (consumers that fall further behind resync)
 * @param retention how long published events stay in the table before they are deleted
 */
@Validated
@ConfigurationProperties("civicstack.events.outbox")
public record OutboxProperties(boolean enabled, @NotNull Duration pollInterval, @Min(1) @Max(10_000) int batchSize,
        @Min(100) long streamMaxLength, @NotNull Duration retention) {
}
