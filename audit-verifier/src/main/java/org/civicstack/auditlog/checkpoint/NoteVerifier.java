package org.civicstack.auditlog.checkpoint;

import java.nio.charset.StandardCharsets;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;

/** Verifies a signed note against one verifier key and reads the checkpoint it carries. */
public final class NoteVerifier {

    /** U+2014 EM DASH and a space: how every signature line starts. */
    static final String DASH = "\u2014 ";

    private NoteVerifier() {
    }

    /**
     * The checkpoint of a note that carries a valid signature by {@code key}.
     *
     * @throws NoteException saying why otherwise (malformed, not signed by this key, bad signature, bad checkpoint)
     */
    public static Checkpoint verify(String note, NoteVerifierKey key) {
        int split = note.lastIndexOf("\n\n");
        if (split < 0) {
            throw new NoteException("malformed note: no empty line before the signatures");
        }
        String text = note.substring(0, split + 1);
        String[] signatures = note.substring(split + 2).split("\n");
        boolean signed = false;
        for (String line : signatures) {
            if (!line.startsWith(DASH)) {
                throw new NoteException("malformed note: a signature line must start with an em dash");
            }
            String[] parts = line.substring(DASH.length()).split(" ");
            if (parts.length != 2) {
                throw new NoteException("malformed signature line");
            }
            byte[] sig;
            try {
                sig = Base64.getDecoder().decode(parts[1]);
            } catch (IllegalArgumentException e) {
                throw new NoteException("malformed signature: not base64");
            }
            if (!parts[0].equals(key.name()) || sig.length < 4
                    || !Arrays.equals(Arrays.copyOf(sig, 4), key.keyId())) {
                continue; // another signer's line
            }
            if (!valid(key, text, Arrays.copyOfRange(sig, 4, sig.length))) {
                throw new NoteException("bad signature by " + key.name());
            }
            signed = true;
        }
        if (!signed) {
            throw new NoteException("not signed by " + key.format());
        }
        try {
            return Checkpoint.parse(text);
        } catch (IllegalArgumentException e) {
            throw new NoteException("signed, but not a checkpoint: " + e.getMessage());
        }
    }

    private static boolean valid(NoteVerifierKey key, String text, byte[] sig) {
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initVerify(key.jcaKey());
            signature.update(text.getBytes(StandardCharsets.UTF_8));
            return signature.verify(sig);
        } catch (java.security.SignatureException e) {
            return false;
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 is unavailable in this JVM", e);
        }
    }

    /** A note that does not verify, with the reason. */
    public static final class NoteException extends RuntimeException {
        public NoteException(String message) {
            super(message);
        }
    }
}
