package org.civicstack.identity.assurance.face;

import java.time.Instant;

/** What starting a face verification gave. */
public sealed interface FaceStart {

    /**
     * @param providerSession the provider's id of this verification (Alibaba {@code CertifyId}, Tencent
     *         {@code BizToken}); also what the app SDK is started with
     * @param sdkToken the token the app SDK needs, when the provider issues one apart from the session id
     * @param expiresAt until when the app can complete the capture
     */
    record Started(String providerSession, String sdkToken, Instant expiresAt) implements FaceStart {
    }

    record Unavailable(String reason) implements FaceStart {
    }

    record Rejected(int status, String reason) implements FaceStart {
    }
}
