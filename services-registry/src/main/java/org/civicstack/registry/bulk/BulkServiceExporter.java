package org.civicstack.registry.bulk;

import org.civicstack.registry.service.domain.ServiceDefinition;
import org.civicstack.registry.service.domain.ServiceStatus;
import org.civicstack.registry.service.persistence.ServiceDefinitionRow;
import org.civicstack.registry.service.persistence.ServiceStore;
import org.springframework.stereotype.Service;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.transaction.support.DefaultTransactionDefinition;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

/**
 * Operator: every service as one NDJSON {@link ServiceLine}, in code order, in the shape the import takes: its
 * agency, code, status (with the reason when suspended or retired) and the definition that describes it — the live
 * revision's while the gateway routes it (published, suspended, retired), otherwise the newest revision's. A draft
 * revision pending on a live service is not exported. Streamed from one read-only, repeatable-read transaction
 * through a cursor, so the lines are one consistent picture and memory stays bounded.
 */
@Service
public class BulkServiceExporter {

    private final ServiceStore services;
    private final JsonMapper json;
    private final BulkProperties properties;
    private final TransactionalOperator readOnly;

    public BulkServiceExporter(ServiceStore services, JsonMapper json, BulkProperties properties,
            ReactiveTransactionManager transactions) {
        this.services = services;
        this.json = json;
        this.properties = properties;
        DefaultTransactionDefinition definition = new DefaultTransactionDefinition();
        definition.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        definition.setReadOnly(true);
        this.readOnly = TransactionalOperator.create(transactions, definition);
    }

    public Flux<String> exportLines() {
        return services.allWithCurrentDefinition(properties.exportFetchSize())
                .map(this::line)
                .map(line -> json.writeValueAsString(line) + "\n")
                .as(readOnly::transactional);
    }

    private ServiceLine line(ServiceDefinitionRow row) {
        ServiceStatus status = row.service().status();
        boolean hasReason = status == ServiceStatus.SUSPENDED || status == ServiceStatus.RETIRED;
        return new ServiceLine(row.service().agencyId(), row.service().code(), status,
                hasReason ? row.service().statusReason() : null, null,
                json.readValue(row.definitionJson(), ServiceDefinition.class));
    }
}
