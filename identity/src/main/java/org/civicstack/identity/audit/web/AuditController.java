package org.civicstack.identity.audit.web;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.civicstack.auditlog.merkle.MerkleTree;
import org.civicstack.auditlog.merkle.TiledSubtreeHashes;
import org.civicstack.identity.audit.log.AuditSearch;
import org.civicstack.identity.audit.log.AuditSearch.StoredEntry;
import org.civicstack.identity.audit.seal.AuditSealer;
import org.civicstack.identity.audit.seal.AuditVerification;
import org.civicstack.identity.audit.views.AuditViews;
import org.civicstack.identity.revocation.Revocation;
import org.civicstack.identity.revocation.RevocationService;
import org.civicstack.platform.error.ApiProblem;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The auditor API (scope {@code audit:read}; revoking also {@code audit:revoke}): search the log, read its signed
 * checkpoints and key, get inclusion and consistency proofs to check with the offline verifier, and revoke by
 * token, session, citizen or client (docs/audit-log.md).
 */
@RestController
@RequestMapping("/v1/identity/audit")
@Tag(name = "Audit", description = "The token audit log and revocation, for security teams")
public class AuditController {

    static final int MAX_LIMIT = 500;
    static final int EXPORT_PAGE = 5_000;

    private final AuditSearch search;
    private final AuditSealer sealer;
    private final RevocationService revocations;
    private final JsonMapper json;
    private final AuditVerification verification;
    private final AuditViews views;

    public AuditController(AuditSearch search, AuditSealer sealer, RevocationService revocations, JsonMapper json,
            AuditVerification verification, AuditViews views) {
        this.verification = verification;
        this.views = views;
        this.search = search;
        this.sealer = sealer;
        this.revocations = revocations;
        this.json = json;
    }

    /** An entry as the API shows it: index, the stored entry itself, its hashes. */
    public record EntryView(long index, JsonNode entry, String leafHash, String chainHash, boolean pruned) {
    }

    public record EntryPage(List<EntryView> data, String nextCursor) {
    }

    public record ProofView(Long index, Long treeSize, Long from, Long to, String leafHash, List<String> hashes) {
    }

    public record RevocationRequest(String kind, String value, String reason) {
    }

    public record RevocationView(String id, String kind, String value, Instant revokedAt, Instant expiresAt,
            String actor, String reason) {
    }

    @Operation(summary = "Search the log", description = "Filters combine with AND; log order; cursor pagination "
            + "(limit ≤ " + MAX_LIMIT + "). `from`/`to` are RFC 3339 times (to exclusive).")
    @SecurityRequirement(name = "oauth2")
    @GetMapping("/entries")
    public EntryPage entries(@RequestParam(name = "citizen_id", required = false) String citizenId,
            @RequestParam(name = "client_id", required = false) String clientId,
            @RequestParam(name = "agency_id", required = false) String agencyId,
            @RequestParam(name = "jti", required = false) String jti,
            @RequestParam(name = "sid", required = false) String sid,
            @RequestParam(name = "service", required = false) String service,
            @RequestParam(name = "kind", required = false) String kind,
            @RequestParam(name = "from", required = false) String from,
            @RequestParam(name = "to", required = false) String to,
            @RequestParam(name = "limit", defaultValue = "50") int limit,
            @RequestParam(name = "cursor", required = false) String cursor) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw badRequest("limit", "limit is 1.." + MAX_LIMIT);
        }
        List<StoredEntry> found = search.find(new AuditSearch.Query(citizenId, clientId, agencyId, jti, sid, service,
                kind, time("from", from), time("to", to), cursor == null ? null : decodeCursor(cursor), limit + 1));
        List<EntryView> page = found.stream().limit(limit).map(this::view).toList();
        String next = found.size() > limit ? encodeCursor(page.get(page.size() - 1).index()) : null;
        return new EntryPage(page, next);
    }

    /** {@link AuditViews.TokenLife} with its timeline as entries. */
    public record TokenLifeView(String jti, String status, Instant issuedAt, Instant expiresAt, String citizenId,
            String clientId, String sid, String grantType, String acr, String replacedBy,
            AuditViews.RevokedBy revokedBy, List<AuditViews.ServiceUse> services, List<EntryView> timeline,
            boolean timelineTruncated) {
    }

    @Operation(summary = "One token's whole life", description = "An access token from issue to end in one answer: "
            + "status (`active`, `expired`, `revoked` and by which revocation), its citizen, client, session and "
            + "level, the services it was used at (uses and gateway refusals per service and agency, first and last "
            + "time), the token that replaced it on refresh, and a timeline of every entry about it and its "
            + "session's events during its life. Its individual uses are `entries?jti=…&kind=token_used`. 404 when "
            + "the log has no issue of this jti.")
    @SecurityRequirement(name = "oauth2")
    @GetMapping("/tokens/{jti}")
    public TokenLifeView tokenLife(@PathVariable("jti") String jti) {
        AuditViews.TokenLife life = views.tokenLife(jti).orElseThrow(() -> new ApiProblem(404, "token_not_found",
                "Token not found", "The log has no issued access token with this jti."));
        return new TokenLifeView(life.jti(), life.status(), life.issuedAt(), life.expiresAt(), life.citizenId(),
                life.clientId(), life.sid(), life.grantType(), life.acr(), life.replacedBy(), life.revokedBy(),
                life.services(), life.timeline().stream().map(this::view).toList(), life.timelineTruncated());
    }

    @Operation(summary = "What is active for a citizen or a client", description = "Exactly one of `citizen_id` or "
            + "`client_id`: the live sessions (sign-ins not ended) and the access tokens neither expired nor "
            + "refused by a revocation, newest first (at most 500 each; `truncated` says there are more). Revoke "
            + "any of them with POST /revocations.")
    @SecurityRequirement(name = "oauth2")
    @GetMapping("/active")
    public AuditViews.Active active(@RequestParam(name = "citizen_id", required = false) String citizenId,
            @RequestParam(name = "client_id", required = false) String clientId) {
        boolean citizen = citizenId != null && !citizenId.isBlank();
        boolean client = clientId != null && !clientId.isBlank();
        if (citizen == client) {
            throw badRequest(citizen ? "client_id" : "citizen_id", "give exactly one of citizen_id and client_id");
        }
        return citizen ? views.activeForCitizen(citizenId) : views.activeForClient(clientId);
    }

    @Operation(summary = "Export entries as NDJSON", description = "Entries [from, to) in index order, one JSON object "
            + "per line: index, entry (the exact stored text; null once pruned), leaf_hash, chain_hash — the input of "
            + "the offline verifier (`audit-verifier`). Streamed; `to` defaults to the log's size.")
    @SecurityRequirement(name = "oauth2")
    @GetMapping(value = "/export", produces = "application/x-ndjson")
    public org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody export(
            @RequestParam(name = "from", defaultValue = "0") long from,
            @RequestParam(name = "to", required = false) Long to) {
        if (from < 0 || to != null && to < from) {
            throw badRequest("from", "0 <= from <= to");
        }
        long end = Math.min(to != null ? to : Long.MAX_VALUE, search.size());
        return output -> {
            java.io.Writer writer = new java.io.BufferedWriter(new java.io.OutputStreamWriter(output,
                    StandardCharsets.UTF_8));
            for (long start = from; start < end; start += EXPORT_PAGE) {
                List<StoredEntry> page = search.range(start, Math.min(end, start + EXPORT_PAGE));
                for (StoredEntry entry : page) {
                    Map<String, Object> line = new java.util.LinkedHashMap<>();
                    line.put("index", entry.index());
                    line.put("entry", entry.body());
                    line.put("leaf_hash", b64(entry.leafHash()));
                    line.put("chain_hash", b64(entry.chainHash()));
                    writer.write(json.writeValueAsString(line));
                    writer.write('\n');
                }
            }
            writer.flush();
        };
    }

    @Operation(summary = "Every signed checkpoint", description = "All checkpoints, oldest first, as a file of signed "
            + "notes (each followed by an empty line): the offline verifier's `--checkpoints`.")
    @SecurityRequirement(name = "oauth2")
    @GetMapping(value = "/checkpoints", produces = MediaType.TEXT_PLAIN_VALUE)
    public String checkpoints() {
        StringBuilder text = new StringBuilder();
        sealer.checkpoints(0, Long.MAX_VALUE, Integer.MAX_VALUE)
                .forEach(sealed -> text.append(org.civicstack.auditlog.checkpoint.NoteFile.entry(sealed.note())));
        return text.toString();
    }

    /** The server-side verification's answer. */
    public record VerificationView(boolean verified, long entries, int databaseCheckpoints, int anchoredCheckpoints,
            List<String> findings) {
    }

    @Operation(summary = "Verify the log", description = "Runs the offline verifier's checks on every entry against the "
            + "database's checkpoints and against those anchored outside it; each finding names the first bad entry "
            + "or checkpoint.")
    @SecurityRequirement(name = "oauth2")
    @PostMapping("/verify")
    public VerificationView verify() {
        AuditVerification.Outcome outcome = verification.verify();
        return new VerificationView(outcome.verified(), outcome.entries(), outcome.databaseCheckpoints(),
                outcome.anchoredCheckpoints(), outcome.findings());
    }

    @Operation(summary = "The checkpoint key", description = "The C2SP note verifier key the checkpoints are signed "
            + "with (`<name>+<key id>+<key>`), for the offline verifier.")
    @SecurityRequirement(name = "oauth2")
    @GetMapping(value = "/key", produces = MediaType.TEXT_PLAIN_VALUE)
    public String key() {
        return sealer.key().verifierKey().format() + "\n";
    }

    @Operation(summary = "The latest signed checkpoint", description = "A C2SP signed note; 404 before the first seal.")
    @SecurityRequirement(name = "oauth2")
    @GetMapping(value = "/checkpoints/latest", produces = MediaType.TEXT_PLAIN_VALUE)
    public String latestCheckpoint() {
        return sealer.latest().map(AuditSealer.Sealed::note).orElseThrow(() -> new ApiProblem(404,
                "no_checkpoint", "No checkpoint yet", "The log has not been sealed yet."));
    }

    @Operation(summary = "Seal now", description = "Signs a checkpoint over every entry appended so far (returns the "
            + "latest when nothing is new).")
    @SecurityRequirement(name = "oauth2")
    @PostMapping(value = "/checkpoints", produces = MediaType.TEXT_PLAIN_VALUE)
    public String seal() {
        return sealer.seal().map(AuditSealer.Sealed::note).orElseThrow(() -> new ApiProblem(409, "log_empty",
                "Nothing to seal", "The log has no entries yet."));
    }

    @Operation(summary = "Inclusion proof", description = "RFC 9162 audit path of entry `index` in the tree of a "
            + "checkpoint's size.")
    @SecurityRequirement(name = "oauth2")
    @GetMapping("/proofs/inclusion")
    public ProofView inclusion(@RequestParam("index") long index, @RequestParam("tree_size") long treeSize) {
        requireCheckpoint(treeSize);
        if (index < 0 || index >= treeSize) {
            throw badRequest("index", "index must be in [0, tree_size)");
        }
        List<byte[]> proof = MerkleTree.inclusionProof(index, treeSize, new TiledSubtreeHashes(sealer.tiles()));
        byte[] leaf = sealer.tiles().leafHashes(index, index + 1).get(0);
        return new ProofView(index, treeSize, null, null, b64(leaf), proof.stream().map(AuditController::b64).toList());
    }

    @Operation(summary = "Consistency proof", description = "RFC 9162 proof that the checkpoint of size `to` extends "
            + "the one of size `from`.")
    @SecurityRequirement(name = "oauth2")
    @GetMapping("/proofs/consistency")
    public ProofView consistency(@RequestParam("from") long from, @RequestParam("to") long to) {
        requireCheckpoint(from);
        requireCheckpoint(to);
        if (from > to) {
            throw badRequest("from", "from must not exceed to");
        }
        List<byte[]> proof = MerkleTree.consistencyProof(from, to, new TiledSubtreeHashes(sealer.tiles()));
        return new ProofView(null, null, from, to, null, proof.stream().map(AuditController::b64).toList());
    }

    @Operation(summary = "Revoke everywhere", description = "kind `token` (value: jti), `session` (sid), `citizen` "
            + "(citizen id) or `client` (client_id). Identity ends what it holds and every gateway refuses the access "
            + "tokens already out within a second. Needs `audit:revoke`.")
    @SecurityRequirement(name = "oauth2")
    @PostMapping("/revocations")
    @ResponseStatus(HttpStatus.CREATED)
    public RevocationView revoke(@AuthenticationPrincipal Jwt caller, @RequestBody RevocationRequest request) {
        if (request == null || request.kind() == null) {
            throw badRequest("kind", "kind is one of token, session, citizen, client");
        }
        Revocation.Kind kind = Revocation.Kind.fromWireName(request.kind())
                .orElseThrow(() -> badRequest("kind", "kind is one of token, session, citizen, client"));
        if (request.value() == null || request.value().isBlank() || request.value().length() > 255) {
            throw badRequest("value", "value is 1 to 255 characters");
        }
        String reason = request.reason() == null || request.reason().isBlank() ? "audit" : request.reason();
        if (reason.length() > 200) {
            throw badRequest("reason", "reason is at most 200 characters");
        }
        Revocation revocation = revocations.revoke(kind, request.value(), "client:" + caller.getClaimAsString(
                "client_id"), reason);
        return new RevocationView(revocation.id().toString(), kind.wireName(), revocation.value(),
                revocation.revokedAt(), revocation.expiresAt(), revocation.actor(), revocation.reason());
    }

    private void requireCheckpoint(long treeSize) {
        if (sealer.checkpoint(treeSize).isEmpty()) {
            throw new ApiProblem(404, "checkpoint_not_found", "No such checkpoint",
                    "There is no signed checkpoint of tree size " + treeSize + ".");
        }
    }

    private EntryView view(StoredEntry entry) {
        JsonNode body = entry.body() == null ? null : json.readTree(entry.body());
        return new EntryView(entry.index(), body, b64(entry.leafHash()), b64(entry.chainHash()), entry.body() == null);
    }

    private static Instant time(String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw badRequest(field, field + " is an RFC 3339 time in UTC, e.g. 2026-12-02T10:00:00Z");
        }
    }

    static String encodeCursor(long index) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(("i" + index).getBytes(StandardCharsets.UTF_8));
    }

    static long decodeCursor(String cursor) {
        try {
            String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            if (text.startsWith("i")) {
                return Long.parseLong(text.substring(1));
            }
        } catch (IllegalArgumentException e) {
            // below
        }
        throw badRequest("cursor", "the cursor is not one this API returned");
    }

    private static String b64(byte[] hash) {
        return Base64.getEncoder().encodeToString(hash);
    }

    static ApiProblem badRequest(String field, String message) {
        return new ApiProblem(400, "invalid_request", "Invalid request", message,
                List.of(new org.civicstack.platform.error.FieldViolation(field, "invalid", message)), Map.of());
    }
}
