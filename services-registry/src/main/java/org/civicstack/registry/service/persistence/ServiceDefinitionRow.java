package org.civicstack.registry.service.persistence;

/** A service with the stored (snake_case) definition of one of its revisions. */
public record ServiceDefinitionRow(ServiceRow service, int revision, String definitionJson) {
}
