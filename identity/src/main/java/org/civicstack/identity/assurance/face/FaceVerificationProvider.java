package org.civicstack.identity.assurance.face;

import org.civicstack.identity.assurance.PersonName;
import org.civicstack.identity.assurance.residentid.ResidentIdNumber;

/**
 * The face verification provider (level 3), in the two steps the FaceID products of Alibaba Cloud and Tencent
 * Cloud share: the server {@link #start starts} a verification for the identity to compare against and hands the
 * provider's token to the app, whose SDK does the liveness capture with the provider directly; then the server
 * asks for the {@link #result}. Implementations never throw for what the provider answers or fails to answer.
 */
public interface FaceVerificationProvider {

    /**
     * @param orderNo our attempt id, sent as the provider's outer order number
     */
    FaceStart start(String orderNo, PersonName name, ResidentIdNumber number);

    /** @param providerSession what {@link FaceStart.Started#providerSession()} returned */
    FaceResult result(String providerSession);
}
