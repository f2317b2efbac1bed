package org.civicstack.identity.assurance.realname;

import org.civicstack.identity.assurance.PersonName;
import org.civicstack.identity.assurance.residentid.ResidentIdNumber;

/**
 * The real-name authority (level 2): does this name belong to this resident ID number in the national population
 * register? One call per attempt; implementations never throw for what the provider answers or fails to answer —
 * every outcome is a {@link RealNameResult}.
 */
@FunctionalInterface
public interface RealNameAuthority {

    /**
     * @param requestId our attempt id, sent to the provider so both sides can find the call again
     */
    RealNameResult verify(String requestId, PersonName name, ResidentIdNumber number);
}
