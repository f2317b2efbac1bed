package org.civicstack.auditlog.checkpoint;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.PrivateKey;
import java.security.Signature;
import java.util.Base64;

/** Signs a text as a C2SP signed note: the text, an empty line, and {@code — <name> <base64(key id || signature)>}. */
public final class NoteSigner {

    private final NoteVerifierKey key;
    private final PrivateKey privateKey;

    private NoteSigner(NoteVerifierKey key, PrivateKey privateKey) {
        this.key = key;
        this.privateKey = privateKey;
    }

    /** A signer for {@code name} with a JDK Ed25519 private key and its raw 32-byte public key. */
    public static NoteSigner of(String name, PrivateKey privateKey, byte[] publicKey) {
        return new NoteSigner(NoteVerifierKey.of(name, publicKey), privateKey);
    }

    public NoteVerifierKey verifierKey() {
        return key;
    }

    /** The signed note of {@code text} (which must end with a newline). */
    public String sign(String text) {
        if (!text.endsWith("\n")) {
            throw new IllegalArgumentException("a note text ends with a newline");
        }
        try {
            Signature signature = Signature.getInstance("Ed25519");
            signature.initSign(privateKey);
            signature.update(text.getBytes(StandardCharsets.UTF_8));
            byte[] sig = signature.sign();
            byte[] line = ByteBuffer.allocate(4 + sig.length).put(key.keyId()).put(sig).array();
            return text + "\n" + NoteVerifier.DASH + key.name() + " " + Base64.getEncoder().encodeToString(line) + "\n";
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed", e);
        }
    }
}
