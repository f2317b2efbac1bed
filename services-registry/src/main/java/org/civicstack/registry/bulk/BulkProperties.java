package org.civicstack.registry.bulk;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Limits and tuning of the bulk import and export ({@code civicstack.registry.bulk.*}).
 *
 * @param maxLines most lines (blank ones included) one import file may have; more is a 413 before any row is applied
 * @param maxBytes largest import file, in bytes; larger is a 413 before any row is applied
 * @param maxLineBytes longest single line of an import file, in bytes; longer is a 413 before any row is applied
 * @param concurrency rows imported at the same time, each in its own transaction (and database connection);
 *        results still come back in file order
 * @param spoolDirectory where an upload is kept while it is imported (deleted afterwards); empty means the JVM's
 *        temporary directory
 * @param exportFetchSize rows the export reads from the database per round trip
 */
@Validated
@ConfigurationProperties("civicstack.registry.bulk")
public record BulkProperties(
        @DefaultValue("50000") @Min(1) int maxLines,
        @DefaultValue("100MB") DataSize maxBytes,
        @DefaultValue("1MB") DataSize maxLineBytes,
        @DefaultValue("4") @Min(1) @Max(16) int concurrency,
        @DefaultValue("") String spoolDirectory,
        @DefaultValue("500") @Min(1) @Max(10_000) int exportFetchSize) {
}
