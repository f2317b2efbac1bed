package org.civicstack.identity.assurance;

import org.civicstack.identity.citizen.CitizenId;

/** A citizen's current assurance level, read where tokens are issued (the {@code acr} claim). */
@FunctionalInterface
public interface AssuranceLevels {

    /** The level the citizen has reached so far; {@link AssuranceLevel#PHONE_VERIFIED} for every account. */
    AssuranceLevel currentLevel(CitizenId citizen);
}
