package org.civicstack.certificates.sdjwt;

import java.util.Map;
import java.util.Objects;

/**
 * An issued SD-JWT VC in compact form ({@code <issuer-signed JWT>~<disclosure>~…~}), as handed to the holder's wallet.
 *
 * @param serialized  the compact SD-JWT
 * @param disclosures each disclosable claim's name → its disclosure string (what the holder may reveal)
 */
public record IssuedCredential(String serialized, Map<String, String> disclosures) {

    public IssuedCredential {
        Objects.requireNonNull(serialized, "serialized");
        disclosures = Map.copyOf(disclosures);
    }
}
