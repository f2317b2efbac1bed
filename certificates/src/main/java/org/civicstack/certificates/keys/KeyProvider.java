package org.civicstack.certificates.keys;

import java.util.Optional;

/**
 * Where {@link PayloadCipher} gets its keys: the current one for encrypting, any still-held one by id for decrypting.
 * A rotation makes a new key current; old ones must stay findable until every ciphertext made with them is
 * re-encrypted or deleted. Implementations: in memory now; a KMS or a key table later.
 */
public interface KeyProvider {

    /** The key new ciphertexts are made with. */
    DataKey current();

    /** The key with this id, if still held. */
    Optional<DataKey> find(String keyId);
}
