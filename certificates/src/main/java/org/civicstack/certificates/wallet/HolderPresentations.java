package org.civicstack.certificates.wallet;

import java.time.Clock;
import java.util.Set;

import org.civicstack.certificates.issuance.Credential;
import org.civicstack.certificates.issuance.Issuance;
import org.civicstack.certificates.sdjwt.SdJwtPresenter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Makes a presentation of a citizen's credential on their behalf (the server wallet): the issued SD-JWT with only the
 * chosen disclosures, and a key-binding JWT signed with the citizen's wallet key over the verifier's audience and
 * nonce. Only the code paths where the citizen has approved (or a standing consent they granted covers it) call this.
 */
@Component
public class HolderPresentations {

    private final WalletKeys wallets;
    private final Issuance issuance;
    private final Clock clock;

    public HolderPresentations(WalletKeys wallets, Issuance issuance, Clock clock) {
        this.wallets = wallets;
        this.issuance = issuance;
        this.clock = clock;
    }

    public Mono<String> present(Credential credential, Set<String> disclose, String audience, String nonce) {
        return wallets.keyOf(credential.citizenRef()).map(key -> SdJwtPresenter.present(issuance.serialized(credential),
                disclose, key, audience, nonce, clock.instant()));
    }
}
