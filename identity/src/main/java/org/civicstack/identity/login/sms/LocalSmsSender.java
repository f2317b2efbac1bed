package org.civicstack.identity.login.sms;

import org.civicstack.identity.citizen.MobileNumber;
import org.civicstack.identity.login.OneTimeCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Development only: "sends" the code by writing it to the log, so the all-in-one run works without an SMS
 * account. {@link SmsConfiguration} refuses it unless the launcher says this is the all-in-one run.
 */
public final class LocalSmsSender implements SmsSender {

    private static final Logger log = LoggerFactory.getLogger(LocalSmsSender.class);

    @Override
    public void sendLoginCode(MobileNumber to, OneTimeCode code) {
        log.warn("LOCAL SMS (all-in-one run, nothing sent): login code for {} is {}", to.masked(), code.reveal());
    }
}
