package org.civicstack.identity.assurance.verification;

import java.util.Locale;

/** Which step a verification attempt belongs to. */
public enum AttemptKind {
    /** Name + resident ID number with the real-name authority (level 2). */
    REALNAME,
    /** Liveness + face match with the face verification provider (level 3). */
    FACE;

    public String dbValue() {
        return name().toLowerCase(Locale.ROOT);
    }
}
