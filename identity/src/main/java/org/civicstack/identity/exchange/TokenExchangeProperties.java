package org.civicstack.identity.exchange;

import java.time.Duration;

import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The gateway's token exchange ({@code civicstack.identity.token-exchange.*}, env
 * {@code CIVICSTACK_IDENTITY_TOKENEXCHANGE_*}).
 *
 * @param assertionTtl lifetime of the assertion an agency receives (default {@code 120s}, 10 s to 10 min); never
 *         beyond the citizen access token's own {@code exp}.
 */
@Validated
@ConfigurationProperties("civicstack.identity.token-exchange")
public record TokenExchangeProperties(
        @DefaultValue("120s") @DurationMin(seconds = 10) @DurationMax(minutes = 10) Duration assertionTtl) {
}
