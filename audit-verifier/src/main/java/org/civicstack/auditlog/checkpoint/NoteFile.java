package org.civicstack.auditlog.checkpoint;

import java.util.ArrayList;
import java.util.List;

/**
 * A file of signed notes, one after another: each note is its text, an empty line and its signature lines, and is
 * followed by an empty line. This is how identity anchors checkpoints outside its database and what the offline
 * verifier reads.
 */
public final class NoteFile {

    private NoteFile() {
    }

    public static List<String> parse(List<String> lines) {
        List<String> notes = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean inSignatures = false;
        for (String line : lines) {
            if (line.isEmpty()) {
                if (inSignatures) { // the empty line after a note's signature lines ends it
                    notes.add(current.toString());
                    current.setLength(0);
                    inSignatures = false;
                } else if (!current.isEmpty()) { // the empty line between a note's text and its signatures
                    current.append('\n');
                    inSignatures = true;
                }
            } else {
                current.append(line).append('\n');
            }
        }
        if (!current.isEmpty()) {
            notes.add(current.toString());
        }
        return notes;
    }

    /** How a note is written to such a file: the note and one empty line. */
    public static String entry(String note) {
        return note + "\n";
    }
}
