package org.civicstack.identity.audit.log;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;

import org.civicstack.auditlog.merkle.MerkleHash;
import org.civicstack.identity.audit.ingest.StreamEntries;
import org.civicstack.identity.audit.log.AuditSearch.StoredEntry;
import org.civicstack.identity.audit.seal.AuditMaintenance;
import org.civicstack.identity.audit.seal.AuditSealer;
import org.civicstack.identity.audit.seal.AuditVerification;
import org.civicstack.identity.audit.views.AuditViews;
import org.civicstack.testkit.ServiceIntegrationTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Token uses stored a batch per row (V83) are the same log as a row per entry: searches find exactly the entries a
 * model of the log says they should, in order, page after page; a redelivered gateway batch is stored once;
 * retention empties old batches and the log still verifies. The running ingest appends other tests' entries
 * meanwhile, so every value here is this test's own.
 */
@ServiceIntegrationTest
class UseBatchesIT {

    @Autowired
    AuditAppender appender;
    @Autowired
    AuditSearch search;
    @Autowired
    AuditViews views;
    @Autowired
    AuditSealer sealer;
    @Autowired
    AuditVerification verification;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TransactionTemplate transaction;

    @Test
    void searchesFindExactlyTheEntriesTheLogHoldsPageByPage() {
        String tag = UUID.randomUUID().toString().substring(0, 8);
        String appClient = "app-" + tag;
        String otherClient = "kiosk-" + tag;
        String agency = "agy-" + tag;
        List<String> services = List.of("svc-a-" + tag, "svc-b-" + tag, "svc-c-" + tag);
        String citizen = UUID.randomUUID().toString();
        String otherCitizen = UUID.randomUUID().toString();
        String sid = UUID.randomUUID().toString();
        List<String> jtis = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            jtis.add(UUID.randomUUID().toString());
        }
        Instant base = Instant.now().minusSeconds(3600).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        List<AuditEntry> appended = new ArrayList<>();
        // tokens 0-2 issued to the citizen (session sid), 3-4 to another; the agency's service a got an exchange
        for (int t = 0; t < jtis.size(); t++) {
            appended.add(new AuditEntry(UUID.randomUUID(), "token_issued", base, "identity",
                    t < 3 ? citizen : otherCitizen, appClient, null, t < 3 ? sid : UUID.randomUUID().toString(),
                    jtis.get(t), null, Map.of("grant_type", "authorization_code")));
        }
        appended.add(new AuditEntry(UUID.randomUUID(), "token_exchanged", base, "identity", citizen, appClient, agency,
                sid, jtis.get(0), services.get(0), Map.of("subject_jti", jtis.get(0))));
        append(appended);
        // 2,600 uses in appends of 650 (rows split at 1,024 uses and around a refusal every 97 entries)
        List<AuditEntry> uses = new ArrayList<>();
        for (int i = 0; i < 2_600; i++) {
            Instant at = base.plusMillis(10 + i);
            int t = (i * 7) % jtis.size();
            String service = services.get(i % services.size());
            if (i % 97 == 96) {
                uses.add(new AuditEntry(UUID.randomUUID(), "gateway_rejected", at, "gateway", null, null, null, null,
                        null, service, Map.of("status", 401, "reason", "token_missing")));
                continue;
            }
            uses.add(new AuditEntry(UUID.randomUUID(), "token_used", at, "gateway", t < 3 ? citizen : otherCitizen,
                    i % 2 == 0 ? appClient : otherClient, service.equals(services.get(0)) ? agency : "agy-other-" + tag,
                    t < 3 ? sid : null, jtis.get(t), service, Map.of("status", 200, "request_id", "r-" + i)));
        }
        for (int from = 0; from < uses.size(); from += 650) {
            append(uses.subList(from, Math.min(uses.size(), from + 650)));
        }
        appended.addAll(uses);
        assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_use_batch WHERE ? = ANY (clients)", Long.class,
                appClient)).as("the uses went into batch rows").isGreaterThanOrEqualTo(4);

        Map<UUID, Long> seqOf = new HashMap<>();
        jdbc.query("SELECT event_id, seq FROM audit_log WHERE event_id = ANY (?)", row -> {
            seqOf.put(UUID.fromString(row.getString(1)), row.getLong(2));
        }, (Object) appended.stream().map(e -> e.eventId().toString()).toArray(String[]::new));
        assertThat(seqOf).hasSize(appended.size());
        List<AuditEntry> log = new ArrayList<>(appended);
        log.sort(Comparator.comparing(e -> seqOf.get(e.eventId())));

        Instant from = base.plusMillis(500);
        Instant to = base.plusMillis(1_900);
        Map<String, Predicate<AuditEntry>> expected = new LinkedHashMap<>();
        Map<String, AuditSearch.Query> queries = new LinkedHashMap<>();
        queries.put("jti", query(null, null, null, jtis.get(1), null, null, null, null, null));
        expected.put("jti", e -> jtis.get(1).equals(e.jti()));
        // a citizen's or session's entries: its own events, and the uses of the tokens issued to it
        Predicate<AuditEntry> citizensTokens = e -> e.kind().equals("token_used") && jtis.indexOf(e.jti()) < 3
                && jtis.indexOf(e.jti()) >= 0;
        queries.put("citizen", query(citizen, null, null, null, null, null, null, null, null));
        expected.put("citizen", e -> (!e.kind().equals("token_used") && citizen.equals(e.citizenId()))
                || citizensTokens.test(e));
        queries.put("sid", query(null, null, null, null, sid, null, null, null, null));
        expected.put("sid", e -> (!e.kind().equals("token_used") && sid.equals(e.sid())) || citizensTokens.test(e));
        queries.put("service", query(null, null, null, null, null, services.get(2), null, null, null));
        expected.put("service", e -> services.get(2).equals(e.service()));
        // an agency's: its own events, and the uses at the services of its exchanges that name it
        queries.put("agency", query(null, null, agency, null, null, null, null, null, null));
        expected.put("agency", e -> agency.equals(e.agencyId()));
        queries.put("client and time", query(null, otherClient, null, null, null, null, null, from, to));
        expected.put("client and time", e -> otherClient.equals(e.clientId()) && !e.at().isBefore(from)
                && e.at().isBefore(to));
        queries.put("kind and token and service", query(null, null, null, jtis.get(4), null, services.get(1),
                "token_used", null, null));
        expected.put("kind and token and service", e -> e.kind().equals("token_used") && jtis.get(4).equals(e.jti())
                && services.get(1).equals(e.service()));
        queries.put("refusals in time", query(null, null, null, null, null, services.get(0), "gateway_rejected", from,
                null));
        expected.put("refusals in time", e -> e.kind().equals("gateway_rejected") && services.get(0).equals(e.service())
                && !e.at().isBefore(from));

        for (Map.Entry<String, AuditSearch.Query> q : queries.entrySet()) {
            List<Long> want = log.stream().filter(expected.get(q.getKey())).map(e -> seqOf.get(e.eventId())).toList();
            List<StoredEntry> got = all(q.getValue());
            assertThat(got).extracting(StoredEntry::index).as(q.getKey()).containsExactlyElementsOf(want);
            assertThat(want).as(q.getKey() + ": a case that tests something").hasSizeGreaterThan(2);
            for (StoredEntry entry : got) {
                assertThat(entry.leafHash()).isEqualTo(MerkleHash.leaf(entry.body().getBytes(
                        java.nio.charset.StandardCharsets.UTF_8)));
            }
        }

        // a token's life counts its uses per service from the batch rows
        AuditViews.TokenLife life = views.tokenLife(jtis.get(1)).orElseThrow();
        Map<String, Long> usesPerService = new HashMap<>();
        uses.stream().filter(e -> jtis.get(1).equals(e.jti()) && e.kind().equals("token_used"))
                .forEach(e -> usesPerService.merge(e.service(), 1L, Long::sum));
        assertThat(life.services()).extracting(AuditViews.ServiceUse::service)
                .containsExactlyInAnyOrderElementsOf(usesPerService.keySet());
        for (AuditViews.ServiceUse use : life.services()) {
            assertThat(use.uses()).as(use.service()).isEqualTo(usesPerService.get(use.service()));
        }
    }

    @Test
    void aRedeliveredGatewayBatchIsStoredOnceAndWhatIsNewBesideItIsAppended() {
        String entryId = System.currentTimeMillis() + "-" + (System.nanoTime() & 0xFFFF);
        String jti = UUID.randomUUID().toString();
        List<AuditEntry> batch = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            batch.add(gatewayRecord(entryId, i, i == 4 ? "gateway_rejected" : "token_used", jti));
        }
        assertThat(append(batch)).isEqualTo(10);
        // the same stream entry read again after a crash before its acknowledgement
        assertThat(append(batch)).isZero();
        // ... together with another gateway's entry: only that one is new
        String otherEntry = (System.currentTimeMillis() + 1) + "-" + (System.nanoTime() & 0xFFFF);
        List<AuditEntry> mixed = new ArrayList<>(batch.subList(2, 7));
        for (int i = 0; i < 3; i++) {
            mixed.add(gatewayRecord(otherEntry, i, "token_used", jti));
        }
        assertThat(append(mixed)).isEqualTo(3);
        for (AuditEntry entry : mixed) {
            assertThat(jdbc.queryForObject("SELECT count(*) FROM audit_log WHERE event_id = ?", Long.class,
                    entry.eventId().toString())).as(entry.eventId().toString()).isEqualTo(1);
        }
        assertThat(all(query(null, null, null, jti, null, null, null, null, null))).hasSize(13);
    }

    @Test
    void retentionEmptiesOldBatchesKeepsTheirHashesAndTheLogStillVerifies() {
        String oldJti = UUID.randomUUID().toString();
        String newJti = UUID.randomUUID().toString();
        Instant old = Instant.now().minus(Duration.ofDays(40));
        List<AuditEntry> oldUses = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            oldUses.add(new AuditEntry(UUID.randomUUID(), "token_used", old.plusMillis(i), "gateway", null, "app",
                    null, null, oldJti, "svc-retention", Map.of("status", 200)));
        }
        append(oldUses);
        List<AuditEntry> newUses = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            newUses.add(new AuditEntry(UUID.randomUUID(), "token_used", Instant.now(), "gateway", null, "app", null,
                    null, newJti, "svc-retention", Map.of("status", 200)));
        }
        append(newUses);
        List<StoredEntry> before = all(query(null, null, null, oldJti, null, null, null, null, null));
        assertThat(before).hasSize(30);

        AuditMaintenance maintenance = new AuditMaintenance(sealer, jdbc, transaction, Duration.ofMinutes(1),
                Duration.ofDays(30));
        assertThat(maintenance.applyRetention()).isGreaterThanOrEqualTo(30);

        List<StoredEntry> after = search.range(before.get(0).index(), before.get(29).index() + 1);
        assertThat(after).hasSize(30);
        for (int i = 0; i < 30; i++) {
            assertThat(after.get(i).body()).isNull();
            assertThat(after.get(i).leafHash()).isEqualTo(before.get(i).leafHash());
            assertThat(after.get(i).chainHash()).isEqualTo(before.get(i).chainHash());
        }
        assertThat(all(query(null, null, null, oldJti, null, null, null, null, null))).isEmpty();
        assertThat(all(query(null, null, null, newJti, null, null, null, null, null))).hasSize(5)
                .allSatisfy(e -> assertThat(e.body()).contains(newJti));
        sealer.seal();
        // (the anchor file is this module's target/ one, shared with earlier test JVMs and their keys: not checked)
        assertThat(verification.verify().findings()).noneMatch(f -> f.startsWith("database:"));
    }

    private static AuditEntry gatewayRecord(String entryId, int index, String kind, String jti) {
        return new AuditEntry(StreamEntries.usageEventId(entryId, index), kind, Instant.now(), "gateway", null, "app",
                null, null, jti, "svc-redelivery", Map.of("status", kind.equals("token_used") ? 200 : 403));
    }

    private int append(List<AuditEntry> entries) {
        return appender.append(entries);
    }

    private static AuditSearch.Query query(String citizen, String client, String agency, String jti, String sid,
            String service, String kind, Instant from, Instant to) {
        return new AuditSearch.Query(citizen, client, agency, jti, sid, service, kind, from, to, null, 100);
    }

    /** Every page of a search, following its cursor. */
    private List<StoredEntry> all(AuditSearch.Query first) {
        List<StoredEntry> found = new ArrayList<>();
        Long after = null;
        while (true) {
            List<StoredEntry> page = search.find(new AuditSearch.Query(first.citizenId(), first.clientId(),
                    first.agencyId(), first.jti(), first.sid(), first.service(), first.kind(), first.from(),
                    first.to(), after, first.limit()));
            found.addAll(page);
            if (page.size() < first.limit()) {
                return found;
            }
            after = page.get(page.size() - 1).index();
        }
    }
}
