package org.civicstack.auditlog.checkpoint;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class SignedCheckpointTest {

    static KeyPair ed25519() throws Exception {
        return KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
    }

    static byte[] raw(KeyPair pair) {
        byte[] encoded = pair.getPublic().getEncoded();
        return Arrays.copyOfRange(encoded, encoded.length - 32, encoded.length);
    }

    @Test
    void signedCheckpointVerifiesAndReadsBack() throws Exception {
        KeyPair pair = ed25519();
        NoteSigner signer = NoteSigner.of("example.org/audit", pair.getPrivate(), raw(pair));
        Checkpoint checkpoint = new Checkpoint("example.org/audit", 42, new byte[32], List.of());
        String note = signer.sign(checkpoint.body());

        assertThat(note).startsWith("example.org/audit\n42\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n\u2014 example.org/audit ");
        Checkpoint read = NoteVerifier.verify(note, NoteVerifierKey.parse(signer.verifierKey().format()));
        assertThat(read.size()).isEqualTo(42);
        assertThat(read.origin()).isEqualTo("example.org/audit");
    }

    @Test
    void anyChangedByteOfTextOrSignatureIsRefused() throws Exception {
        KeyPair pair = ed25519();
        NoteSigner signer = NoteSigner.of("log", pair.getPrivate(), raw(pair));
        String note = signer.sign(new Checkpoint("log", 7, new byte[32], List.of()).body());

        assertThatThrownBy(() -> NoteVerifier.verify(note.replace("\n7\n", "\n8\n"), signer.verifierKey()))
                .isInstanceOf(NoteVerifier.NoteException.class).hasMessageContaining("bad signature");
        // a base64 symbol inside the signature line (not its last one, whose low bits may be padding: flipping that
        // can decode to the same bytes, which made this test fail for some random keys)
        int last = note.lastIndexOf(' ') + 12;
        String flipped = note.substring(0, last) + (note.charAt(last) == 'A' ? 'B' : 'A') + note.substring(last + 1);
        assertThatThrownBy(() -> NoteVerifier.verify(flipped, signer.verifierKey()))
                .isInstanceOf(NoteVerifier.NoteException.class);
    }

    @Test
    void noteSignedByAnotherKeyOfTheSameNameIsRefusedAndSaysSo() throws Exception {
        KeyPair ours = ed25519();
        KeyPair theirs = ed25519();
        NoteVerifierKey key = NoteVerifierKey.of("log", raw(ours));
        String forged = NoteSigner.of("log", theirs.getPrivate(), raw(theirs))
                .sign(new Checkpoint("log", 7, new byte[32], List.of()).body());

        assertThatThrownBy(() -> NoteVerifier.verify(forged, key))
                .isInstanceOf(NoteVerifier.NoteException.class).hasMessageContaining("not signed by log+");
    }

    @Test
    void verifierKeyWithAWrongIdIsRefused() throws Exception {
        String text = NoteVerifierKey.of("log", raw(ed25519())).format();
        String wrongId = text.replaceFirst("\\+[0-9a-f]{8}\\+", "+00000000+");
        assertThatThrownBy(() -> NoteVerifierKey.parse(wrongId)).hasMessageContaining("id does not match");
    }
}
