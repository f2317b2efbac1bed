package org.civicstack.registry;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.Test;

/**
 * The catalog's citizen-facing reads and the outbox purge have an index to use (V3), whatever the catalog's size:
 * the statements of {@code CatalogController} and the relay's purge, planned with sequential scans priced out.
 */
class CatalogLookupsIT extends RegistryTestSupport {

    static final String DATABASE = "civicstack_registry";

    static final List<String> STATEMENTS = List.of(
            "SELECT code, definition FROM catalog_entry WHERE code = 'x'",
            "SELECT code, definition FROM catalog_entry WHERE code > '' ORDER BY code LIMIT 21",
            "SELECT code, definition FROM catalog_entry WHERE code > '' AND category = 'medical' ORDER BY code LIMIT 21",
            "SELECT code, definition FROM catalog_entry WHERE code > '' AND (city_wide OR 'futian' = ANY (districts)) "
                    + "ORDER BY code LIMIT 21",
            "SELECT code, definition FROM catalog_entry WHERE code > '' AND search_text LIKE '%挂号%' ESCAPE '\\' "
                    + "ORDER BY code LIMIT 21",
            "DELETE FROM outbox_event WHERE published_at < now() - make_interval(secs => 86400)");

    @Test
    void everyCatalogReadAndTheOutboxPurgeUseAnIndex() {
        for (String statement : STATEMENTS) {
            assertThat(TestInfrastructure.planWithoutSequentialScans(DATABASE, statement)).as(statement)
                    .doesNotContain("Seq Scan");
        }
        // and by its own index: a b-tree whose second column is code would also serve it, by reading all of it
        assertThat(TestInfrastructure.planWithoutSequentialScans(DATABASE, STATEMENTS.get(0)))
                .contains("using catalog_entry_code on catalog_entry");
    }
}
