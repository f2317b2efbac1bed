package org.civicstack.auditlog.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import org.civicstack.auditlog.checkpoint.Checkpoint;
import org.civicstack.auditlog.checkpoint.NoteFile;
import org.civicstack.auditlog.checkpoint.NoteVerifier;
import org.civicstack.auditlog.checkpoint.NoteVerifierKey;
import org.civicstack.auditlog.merkle.MerkleHash;
import org.civicstack.auditlog.merkle.MerkleTree;
import org.civicstack.auditlog.verify.LogVerifier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The offline verifier: checks an export of the token audit log without the platform (audit-verifier/README.md).
 * Exit code 0 = verified, 1 = a verification failure (one line per finding), 2 = usage or input error.
 */
public final class AuditVerifierCli {

    static final String USAGE = """
            usage: java -jar audit-verifier-cli.jar <command> [options]
              log         --key K --checkpoints C --entries E.ndjson   every checkpoint, the chain and every root
              checkpoint  --key K --checkpoint C                       one checkpoint's signature
              inclusion   --key K --checkpoint C --proof P.json (--entry FILE | --leaf-hash B64)
              consistency --key K --old C1 --new C2 --proof P.json
            K is the note verifier key text (name+id+key) or a file holding it; C files hold signed notes.""";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private AuditVerifierCli() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    public static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0 || "--help".equals(args[0]) || "-h".equals(args[0])) {
            out.println(USAGE);
            return args.length == 0 ? 2 : 0;
        }
        try {
            Map<String, String> options = options(args);
            NoteVerifierKey key = key(required(options, "key"));
            return switch (args[0]) {
                case "log" -> log(key, options, out);
                case "checkpoint" -> report(out, checkpoint(key, required(options, "checkpoint"), out));
                case "inclusion" -> inclusion(key, options, out);
                case "consistency" -> consistency(key, options, out);
                default -> usage(err, "unknown command " + args[0]);
            };
        } catch (IllegalArgumentException | IOException | NoteVerifier.NoteException e) {
            if (e instanceof NoteVerifier.NoteException) {
                out.println("FAILED: " + e.getMessage());
                return 1;
            }
            return usage(err, e.getMessage());
        }
    }

    private static int log(NoteVerifierKey key, Map<String, String> options, PrintStream out) throws IOException {
        List<String> notes = notes(Path.of(required(options, "checkpoints")));
        try (BufferedReader reader = Files.newBufferedReader(Path.of(required(options, "entries")),
                StandardCharsets.UTF_8)) {
            LogVerifier.Result result = LogVerifier.verify(key, notes, entries(reader));
            result.findings().forEach(finding -> out.println("FAILED: " + finding));
            if (result.verified()) {
                out.println("OK: " + result.entries() + " entries, " + result.checkpoints()
                        + " checkpoints verified");
            }
            return result.verified() ? 0 : 1;
        }
    }

    private static boolean checkpoint(NoteVerifierKey key, String file, PrintStream out) throws IOException {
        Checkpoint checkpoint = NoteVerifier.verify(Files.readString(Path.of(file)), key);
        out.println("OK: checkpoint of " + checkpoint.origin() + " at size " + checkpoint.size() + " is signed by "
                + key.name());
        return true;
    }

    private static int inclusion(NoteVerifierKey key, Map<String, String> options, PrintStream out)
            throws IOException {
        Checkpoint checkpoint = NoteVerifier.verify(Files.readString(Path.of(required(options, "checkpoint"))), key);
        JsonNode proof = JSON.readTree(Files.readString(Path.of(required(options, "proof"))));
        byte[] leaf = options.containsKey("entry")
                ? MerkleHash.leaf(Files.readAllBytes(Path.of(options.get("entry"))))
                : Base64.getDecoder().decode(required(options, "leaf-hash"));
        long index = proof.required("index").asLong();
        try {
            MerkleTree.verifyInclusion(index, checkpoint.size(), leaf, hashes(proof), checkpoint.rootHash());
        } catch (MerkleTree.ProofException e) {
            out.println("FAILED: " + e.getMessage());
            return 1;
        }
        out.println("OK: entry " + index + " is in the log of size " + checkpoint.size());
        return 0;
    }

    private static int consistency(NoteVerifierKey key, Map<String, String> options, PrintStream out)
            throws IOException {
        Checkpoint older = NoteVerifier.verify(Files.readString(Path.of(required(options, "old"))), key);
        Checkpoint newer = NoteVerifier.verify(Files.readString(Path.of(required(options, "new"))), key);
        JsonNode proof = JSON.readTree(Files.readString(Path.of(required(options, "proof"))));
        try {
            MerkleTree.verifyConsistency(older.size(), newer.size(), older.rootHash(), newer.rootHash(),
                    hashes(proof));
        } catch (MerkleTree.ProofException e) {
            out.println("FAILED: " + e.getMessage());
            return 1;
        }
        out.println("OK: the log of size " + newer.size() + " extends the one of size " + older.size());
        return 0;
    }

    private static int report(PrintStream out, boolean ok) {
        return ok ? 0 : 1;
    }

    private static List<byte[]> hashes(JsonNode proof) {
        List<byte[]> hashes = new ArrayList<>();
        for (JsonNode hash : proof.required("hashes")) {
            hashes.add(Base64.getDecoder().decode(hash.asString()));
        }
        return hashes;
    }

    /** NDJSON lines {@code {"index":…,"entry":"<text>"|null,"leaf_hash":"b64","chain_hash":"b64"}}, streamed. */
    static Iterator<LogVerifier.Entry> entries(BufferedReader reader) {
        return new Iterator<>() {
            private String line = advance();

            private String advance() {
                try {
                    String next;
                    do {
                        next = reader.readLine();
                    } while (next != null && next.isBlank());
                    return next;
                } catch (IOException e) {
                    throw new IllegalArgumentException("cannot read the entries: " + e.getMessage());
                }
            }

            @Override
            public boolean hasNext() {
                return line != null;
            }

            @Override
            public LogVerifier.Entry next() {
                if (line == null) {
                    throw new NoSuchElementException();
                }
                JsonNode node = JSON.readTree(line);
                line = advance();
                JsonNode entry = node.get("entry");
                return new LogVerifier.Entry(node.required("index").asLong(),
                        entry == null || entry.isNull() ? null : entry.asString(), bytes(node, "leaf_hash"),
                        bytes(node, "chain_hash"));
            }
        };
    }

    private static byte[] bytes(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : Base64.getDecoder().decode(value.asString());
    }

    static List<String> notes(Path file) throws IOException {
        return NoteFile.parse(Files.readAllLines(file, StandardCharsets.UTF_8));
    }

    private static NoteVerifierKey key(String value) throws IOException {
        Path file = Path.of(value);
        return NoteVerifierKey.parse(Files.isRegularFile(file) ? Files.readString(file) : value);
    }

    private static Map<String, String> options(String[] args) {
        Map<String, String> options = new HashMap<>();
        for (int i = 1; i < args.length; i += 2) {
            if (!args[i].startsWith("--") || i + 1 >= args.length) {
                throw new IllegalArgumentException("expected --option value, got " + args[i]);
            }
            options.put(args[i].substring(2), args[i + 1]);
        }
        return options;
    }

    private static String required(Map<String, String> options, String name) {
        String value = options.get(name);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required");
        }
        return value;
    }

    private static int usage(PrintStream err, String message) {
        err.println("error: " + message);
        err.println(USAGE);
        return 2;
    }
}
