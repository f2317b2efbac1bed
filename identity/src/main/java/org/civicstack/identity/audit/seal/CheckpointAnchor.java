package org.civicstack.identity.audit.seal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

import org.civicstack.auditlog.checkpoint.NoteFile;

/**
 * Keeps every signed checkpoint outside the database too: appended to a file (one note after another, each followed
 * by an empty line; a note itself is its text, an empty line and its signature lines — the format the offline
 * verifier reads with {@code --checkpoints}). Someone who rewrites the
 * whole database, checkpoints included, cannot rewrite this file as well without access to other storage; the
 * verify API compares the two. The file is forced to disk after each append.
 */
public final class CheckpointAnchor {

    private final Path file;

    public CheckpointAnchor(Path file) {
        this.file = file;
    }

    public Path file() {
        return file;
    }

    public synchronized void append(String note) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    StandardOpenOption.APPEND)) {
                channel.write(java.nio.ByteBuffer.wrap(NoteFile.entry(note).getBytes(StandardCharsets.UTF_8)));
                channel.force(true);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot append the checkpoint to " + file + ": " + e.getMessage(), e);
        }
    }

    /** Every anchored note, oldest first (empty when the file does not exist). */
    public synchronized List<String> notes() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return NoteFile.parse(Files.readAllLines(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalStateException("cannot read the anchored checkpoints in " + file, e);
        }
    }
}
