package org.civicstack.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.civicstack.registry.ServiceDefinitions.aServiceDefinition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.civicstack.testkit.TestInfrastructure;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

/** Bulk import and export of services as NDJSON, against the real database. */
class BulkImportIT extends RegistryTestSupport {

    static final String DB = "civicstack_registry";
    static final String BULK = "/v1/registry/bulk/services";
    static final JsonMapper JSON = JsonMapper.builder().build();

    WebTestClient bulk;

    @BeforeEach
    void bulkClient() {
        bulk = client.mutate()
                .responseTimeout(Duration.ofMinutes(10))
                .codecs(c -> c.defaultCodecs().maxInMemorySize(64 * 1024 * 1024))
                .build();
    }

    @Nested
    class Import {

        @Test
        @SuppressWarnings("unchecked")
        void mixedFileAppliesTheGoodRowsAndReportsWhyEveryOtherRowFailed() {
            String file = ndjson(
                    row(agencyId, "sz-bulk-published", aServiceDefinition().build(), true),
                    row(agencyId, "sz-bulk-draft", aServiceDefinition().build(), false),
                    "{\"agency_id\": \"" + agencyId + "\", \"code\": ",
                    row(agencyId, "sz-bulk-invalid", aServiceDefinition().inCategory("Medical Health").withTimeoutMs(5)
                            .named("", "Registration").with("tags", List.of("", "ok")).build(), false),
                    row(agencyId, "sz-bulk-loopback", aServiceDefinition().withBaseUrl("http://127.0.0.1/x").build(), true),
                    row("agy_00000000000000000000", "sz-bulk-no-agency", aServiceDefinition().build(), true),
                    row(agencyId, "sz-bulk-published", aServiceDefinition().withVersion("again").build(), true),
                    row(agencyId, "sz-bulk-districts", aServiceDefinition().inDistricts("futian", "atlantis").build(), false),
                    row(agencyId, "sz-bulk-unknown-field", aServiceDefinition().with("colour", "red").build(), false),
                    "   ",
                    row(agencyId, "sz-bulk-second-published", aServiceDefinition().build(), true));

            List<Map<String, Object>> results = importFile(operator, file);

            assertThat(results).hasSize(11);
            Map<Integer, Map<String, Object>> byLine = results.subList(0, 10).stream()
                    .collect(Collectors.toMap(r -> (Integer) r.get("line"), r -> r));
            assertThat(results.subList(0, 10)).extracting(r -> r.get("line")).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 11);

            assertThat(byLine.get(1)).containsEntry("status", "published").containsEntry("code", "sz-bulk-published")
                    .doesNotContainKey("errors");
            assertThat((String) byLine.get(1).get("service_id")).startsWith("svc_");
            assertThat(byLine.get(2)).containsEntry("status", "created");
            assertThat(byLine.get(11)).containsEntry("status", "published");

            assertFailed(byLine.get(3), "malformed_json").containsExactly(":malformed_json");
            assertFailed(byLine.get(4), "validation_failed").containsExactlyInAnyOrder(
                    "definition.category:pattern", "definition.upstream.timeout_ms:min",
                    "definition.name.zh_cn:not_blank", "definition.tags[0]:not_blank");
            assertFailed(byLine.get(5), "unsafe_upstream").containsExactly("definition.upstream.base_url:loopback_address");
            assertFailed(byLine.get(6), "agency_not_found").containsExactly("agency_id:agency_not_found");
            assertFailed(byLine.get(7), "service_code_taken").containsExactly("code:service_code_taken");
            assertFailed(byLine.get(8), "validation_failed").containsExactly("definition.districts[1]:unknown_district");
            assertFailed(byLine.get(9), "validation_failed").containsExactly("definition.colour:unknown_field");
            assertThat(byLine.get(4)).containsEntry("code", "sz-bulk-invalid");
            assertThat(byLine.get(9)).containsEntry("code", "sz-bulk-unknown-field");

            assertThat((Map<String, Object>) results.get(10).get("summary")).containsEntry("total", 10).containsEntry("created", 1)
                    .containsEntry("published", 2).containsEntry("failed", 7).containsKey("millis");

            assertThat(routingCodes()).containsExactlyInAnyOrder("sz-bulk-published", "sz-bulk-second-published");
            assertThat((Map<Object, Object>) service((String) byLine.get(1).get("service_id")))
                    .containsEntry("status", "published").containsEntry("agency_id", agencyId)
                    .containsEntry("live_revision", 1);
        }

        @Test
        void failedRowsLeaveNoTrace() {
            importFile(operator, ndjson(
                    row(agencyId, "sz-bulk-kept", aServiceDefinition().build(), true),
                    row(agencyId, "sz-bulk-loopback", aServiceDefinition().withBaseUrl("http://127.0.0.1/x").build(), true),
                    row("agy_00000000000000000000", "sz-bulk-no-agency", aServiceDefinition().build(), true),
                    row(agencyId, "sz-bulk-kept", aServiceDefinition().withVersion("2").build(), true),
                    row(agencyId, "sz-bulk-bad", aServiceDefinition().withTimeoutMs(5).build(), true)));

            assertThat(sql("SELECT code FROM service")).containsExactly("sz-bulk-kept");
            String id = sql("SELECT id FROM service").get(0);
            assertThat(sql("SELECT service_id FROM service_revision")).containsExactly(id);
            assertThat(sql("SELECT DISTINCT subject_id FROM audit_event WHERE subject_type = 'service'")).containsExactly(id);
            assertThat(sql("SELECT DISTINCT service_code FROM routing_change")).containsExactly("sz-bulk-kept");
            assertThat(sql("SELECT service_id FROM catalog_entry")).containsExactly(id);
            assertThat(sql("SELECT action || ' by ' || actor FROM audit_event WHERE subject_id = '" + id + "' ORDER BY id"))
                    .containsExactly("service.create by ops-console", "service.submit by ops-console",
                            "service.approve by ops-console", "service.bulk_import by ops-console");
            assertThat(sql("SELECT after ->> 'line' FROM audit_event WHERE action = 'service.bulk_import'"))
                    .containsExactly("1");
        }

        @Test
        void aLaterRowWithTheSameCodeGetsItWhenTheEarlierOneFailed() {
            List<Map<String, Object>> results = importFile(operator, ndjson(
                    row(agencyId, "sz-bulk-retry", aServiceDefinition().withBaseUrl("http://127.0.0.1/x").build(), true),
                    row(agencyId, "sz-bulk-retry", aServiceDefinition().build(), true)));

            assertThat(results.subList(0, 2)).extracting(r -> r.get("status")).containsExactly("failed", "published");
        }

        @Test
        void operatorOnlyAndNothingIsApplied() {
            String file = ndjson(row(agencyId, "sz-bulk-forbidden", aServiceDefinition().build(), true));

            bulk.post().uri(BULK).headers(h -> h.setBearerAuth(agencyToken)).contentType(MediaType.APPLICATION_NDJSON)
                    .bodyValue(file).exchange()
                    .expectStatus().isForbidden()
                    .expectBody().jsonPath("$.code").isEqualTo("insufficient_scope");
            bulk.get().uri(BULK).headers(h -> h.setBearerAuth(agencyToken)).exchange()
                    .expectStatus().isForbidden();
            assertThat(sql("SELECT count(*) FROM service")).containsExactly("0");
        }

        @Test
        void aFileOverTheLineLimitIsRefusedBeforeAnyRowIsApplied() {
            StringBuilder file = new StringBuilder(row(agencyId, "sz-bulk-first", aServiceDefinition().build(), true))
                    .append('\n');
            file.append("{}\n".repeat(50_000));

            bulk.post().uri(BULK).headers(h -> h.setBearerAuth(operator)).contentType(MediaType.APPLICATION_NDJSON)
                    .bodyValue(file.toString()).exchange()
                    .expectStatus().isEqualTo(413)
                    .expectHeader().contentType("application/problem+json")
                    .expectBody().jsonPath("$.code").isEqualTo("too_many_lines");
            assertThat(sql("SELECT count(*) FROM service")).containsExactly("0");
        }

        @Test
        void tenThousandRowsEachGetAResult() {
            int rows = 10_000;
            String file = IntStream.rangeClosed(1, rows)
                    .mapToObj(i -> row(agencyId, String.format("sz-load-%05d", i),
                            aServiceDefinition().named("负载测试服务 " + i, "Load test service " + i).build(), true))
                    .collect(Collectors.joining("\n", "", "\n"));

            long started = System.nanoTime();
            List<Map<String, Object>> results = importFile(operator, file);
            long millis = Duration.ofNanos(System.nanoTime() - started).toMillis();

            Map<String, Object> summary = (Map<String, Object>) results.get(results.size() - 1).get("summary");
            System.out.printf("BulkImportIT: imported and published %d services (%.1f MB) in %d ms end to end "
                    + "(server: %s ms)%n", rows, file.length() / 1e6, millis, summary.get("millis"));
            assertThat(results).hasSize(rows + 1);
            assertThat(results.subList(0, rows)).extracting(r -> r.get("status")).containsOnly("published");
            assertThat(results.subList(0, rows)).extracting(r -> r.get("line"))
                    .containsExactlyElementsOf(IntStream.rangeClosed(1, rows).boxed().toList());
            assertThat(summary).containsEntry("total", rows).containsEntry("published", rows).containsEntry("failed", 0);
            assertThat(sql("SELECT count(*) FROM service WHERE status = 'published'")).containsExactly(String.valueOf(rows));
            assertThat(sql("SELECT count(DISTINCT service_code) FROM routing_change")).containsExactly(String.valueOf(rows));
            assertThat(lines(export())).as("export reads through its cursor in pages").hasSize(rows);
        }
    }

    @Nested
    class Export {

        @Test
        void exportThenImportIntoAnEmptyDatabaseRecreatesTheSameServices() {
            String published = publishService("sz-rt-published", aServiceDefinition().withVersion("1.0").build());
            client.put().uri("/v1/registry/services/{id}/definition", published).headers(h -> h.setBearerAuth(agencyToken))
                    .bodyValue(aServiceDefinition().withVersion("2.0-draft").build())
                    .exchange().expectStatus().isOk();
            createService("sz-rt-draft", aServiceDefinition().inDistricts("futian", "nanshan").build());
            String submitted = createService("sz-rt-submitted", aServiceDefinition().build());
            action(agencyToken, submitted, "submit", null).expectStatus().isOk();
            String suspended = publishService("sz-rt-suspended", aServiceDefinition().build());
            action(operator, suspended, "suspend", "上游故障 upstream outage").expectStatus().isOk();
            String retired = publishService("sz-rt-retired", aServiceDefinition().build());
            action(operator, retired, "retire", "merged into sz-rt-published").expectStatus().isOk();
            String otherAgency = registerAgency("sz-transport-client");
            String otherToken = tokens.agency("sz-transport-client", otherAgency, "registry:write", "registry:read");
            client.post().uri("/v1/registry/services").headers(h -> h.setBearerAuth(otherToken))
                    .bodyValue(Map.of("code", "sz-rt-another-agency", "definition", aServiceDefinition().build()))
                    .exchange().expectStatus().isCreated();

            String exported = export();
            List<Map<String, Object>> lines = lines(exported).stream().map(BulkImportIT::parse).toList();
            assertThat(lines).extracting(l -> l.get("code")).containsExactly("sz-rt-another-agency", "sz-rt-draft",
                    "sz-rt-published", "sz-rt-retired", "sz-rt-submitted", "sz-rt-suspended");
            assertThat(lines).extracting(l -> l.get("status")).containsExactly("draft", "draft", "published", "retired",
                    "submitted", "suspended");
            assertThat(lines.get(0)).containsEntry("agency_id", otherAgency);
            assertThat((Map<String, Object>) lines.get(2).get("definition")).as("live revision, not the pending draft")
                    .containsEntry("version", "1.0");
            assertThat(lines.get(5)).containsEntry("status_reason", "上游故障 upstream outage");
            Map<String, String> routesBefore = routeStatuses();

            List<String> agencies = sql("SELECT format('INSERT INTO agency (id, name_zh_cn, name_en, unit_type, "
                    + "district, contact_name, contact_email, contact_phone, oauth_client_id) "
                    + "VALUES (%L, %L, %L, %L, %L, %L, %L, %L, %L)', id, name_zh_cn, name_en, unit_type, district, "
                    + "contact_name, contact_email, contact_phone, oauth_client_id) FROM agency");
            TestInfrastructure.resetDatabase(DB);
            agencies.forEach(insert -> TestInfrastructure.execute(DB, insert));

            List<Map<String, Object>> results = importFile(operator, exported);

            assertThat(results.subList(0, 6)).extracting(r -> r.get("status")).containsExactly("created", "created",
                    "published", "retired", "submitted", "suspended");
            assertThat(export()).isEqualTo(exported);
            assertThat(routeStatuses()).isEqualTo(routesBefore);
        }

        @Test
        void emptyRegistryExportsNothing() {
            assertThat(export()).isNullOrEmpty();
        }
    }

    List<Map<String, Object>> importFile(String token, String body) {
        String response = bulk.post().uri(BULK).headers(h -> h.setBearerAuth(token))
                .contentType(MediaType.APPLICATION_NDJSON).bodyValue(body)
                .exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_NDJSON)
                .expectBody(String.class).returnResult().getResponseBody();
        return lines(response).stream().map(BulkImportIT::parse).toList();
    }

    String export() {
        return bulk.get().uri(BULK).headers(h -> h.setBearerAuth(operator))
                .exchange()
                .expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_NDJSON)
                .expectBody(String.class).returnResult().getResponseBody();
    }

    static String row(String agency, String code, Map<String, Object> definition, boolean publish) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("agency_id", agency);
        row.put("code", code);
        row.put("definition", definition);
        row.put("publish", publish);
        return JSON.writeValueAsString(row);
    }

    static String ndjson(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String line) {
        return JSON.readValue(line, Map.class);
    }

    /** The failed row's error code, and its errors as "field:code". */
    static org.assertj.core.api.ListAssert<String> assertFailed(Map<String, Object> result, String error) {
        assertThat(result).containsEntry("status", "failed").containsEntry("error", error).doesNotContainKey("service_id");
        List<String> errors = new ArrayList<>();
        for (Object e : (List<?>) result.get("errors")) {
            Map<?, ?> violation = (Map<?, ?>) e;
            assertThat((String) violation.get("message")).isNotBlank();
            errors.add(violation.get("field") + ":" + violation.get("code"));
        }
        return assertThat(errors);
    }

    List<String> routingCodes() {
        return List.copyOf(routeStatuses().keySet());
    }

    /** Code → status of every route in the gateway's snapshot. */
    Map<String, String> routeStatuses() {
        String snapshot = bulk.get().uri("/v1/registry/routing/snapshot")
                .headers(h -> h.setBearerAuth(tokens.operator("gateway", "registry:routing")))
                .exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        Map<String, String> routes = new java.util.TreeMap<>();
        lines(snapshot).stream().skip(1).map(BulkImportIT::parse)
                .forEach(r -> routes.put(r.get("code").toString(), r.get("status").toString()));
        return routes;
    }

    static List<String> sql(String query) {
        return TestInfrastructure.query(DB, query);
    }
}
