package org.civicstack.identity.login.sms;

import org.civicstack.identity.citizen.MobileNumber;
import org.civicstack.identity.login.OneTimeCode;

/**
 * Sends a login code by SMS. One implementation per provider, chosen by {@code civicstack.identity.sms.provider}.
 * An implementation returns only once the provider has accepted the message, and otherwise throws one of the
 * typed {@link SmsFailure}s; it never logs the code or the whole number (the local adapter excepted, which exists
 * to show the code on a developer's console).
 */
@FunctionalInterface
public interface SmsSender {

    void sendLoginCode(MobileNumber to, OneTimeCode code) throws SmsFailure;
}
