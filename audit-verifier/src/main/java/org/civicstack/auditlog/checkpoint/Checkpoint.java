package org.civicstack.auditlog.checkpoint;

import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A log checkpoint in the C2SP tlog-checkpoint format: the origin line, the tree size in decimal, the base64 root
 * hash, then optional extension lines, each ending in a newline. It is the text a {@link NoteSigner} signs.
 */
public record Checkpoint(String origin, long size, byte[] rootHash, List<String> extensions) {

    public Checkpoint {
        if (origin == null || origin.isBlank() || origin.contains("\n")) {
            throw new IllegalArgumentException("a checkpoint needs a one-line origin");
        }
        if (size < 0) {
            throw new IllegalArgumentException("a tree size is never negative");
        }
        if (rootHash == null || rootHash.length != 32) {
            throw new IllegalArgumentException("a root hash is 32 bytes");
        }
        extensions = List.copyOf(extensions == null ? List.of() : extensions);
    }

    /** The checkpoint text (what is signed). */
    public String body() {
        StringBuilder text = new StringBuilder().append(origin).append('\n').append(size).append('\n')
                .append(Base64.getEncoder().encodeToString(rootHash)).append('\n');
        extensions.forEach(line -> text.append(line).append('\n'));
        return text.toString();
    }

    /** Parses a checkpoint text; refuses anything that is not exactly the format. */
    public static Checkpoint parse(String body) {
        if (body == null || !body.endsWith("\n")) {
            throw new IllegalArgumentException("a checkpoint text ends with a newline");
        }
        String[] lines = body.substring(0, body.length() - 1).split("\n", -1);
        if (lines.length < 3) {
            throw new IllegalArgumentException("a checkpoint has an origin, a size and a root hash line");
        }
        if (!lines[1].matches("0|[1-9][0-9]{0,18}")) {
            throw new IllegalArgumentException("the checkpoint size is not a decimal number: " + lines[1]);
        }
        byte[] root;
        try {
            root = Base64.getDecoder().decode(lines[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the checkpoint root hash is not base64");
        }
        List<String> extensions = new ArrayList<>();
        for (int i = 3; i < lines.length; i++) {
            if (lines[i].isEmpty()) {
                throw new IllegalArgumentException("a checkpoint has no empty lines");
            }
            extensions.add(lines[i]);
        }
        return new Checkpoint(lines[0], Long.parseLong(lines[1]), root, extensions);
    }
}
