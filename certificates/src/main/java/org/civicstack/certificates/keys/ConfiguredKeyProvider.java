package org.civicstack.certificates.keys;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import javax.crypto.spec.SecretKeySpec;

/**
 * A {@link KeyProvider} over keys given in configuration ({@code civicstack.certificates.data-keys.*}): each a base64
 * 32-byte AES key under an id, one of them current. Rotating is a configuration change: add a key, make it current,
 * keep the old one listed while anything it sealed remains. A KMS-backed provider implements the same interface.
 */
public final class ConfiguredKeyProvider implements KeyProvider {

    private final Map<String, DataKey> keys = new LinkedHashMap<>();
    private final DataKey current;

    public ConfiguredKeyProvider(Map<String, String> base64Keys, String currentKeyId) {
        base64Keys.forEach((id, value) -> {
            byte[] raw;
            try {
                raw = Base64.getDecoder().decode(value.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("data key " + id + " is not base64", e);
            }
            if (raw.length != 32) {
                throw new IllegalArgumentException("data key " + id + " must be 32 bytes (openssl rand -base64 32)");
            }
            keys.put(id, new DataKey(id, new SecretKeySpec(raw, "AES")));
        });
        if (currentKeyId == null || !keys.containsKey(currentKeyId)) {
            throw new IllegalArgumentException("civicstack.certificates.data-keys.current-key-id must name one of "
                    + "the configured keys " + keys.keySet());
        }
        this.current = keys.get(currentKeyId);
    }

    @Override
    public DataKey current() {
        return current;
    }

    @Override
    public Optional<DataKey> find(String keyId) {
        return Optional.ofNullable(keys.get(keyId));
    }
}
