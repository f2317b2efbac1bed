package org.civicstack.identity.login.sms;

/** Why an SMS was not sent. The message names the provider's code, never the number or the code. */
public sealed class SmsFailure extends Exception permits SmsFailure.Rejected, SmsFailure.Unavailable {

    private SmsFailure(String message, Throwable cause) {
        super(message, cause);
    }

    /** The provider answered and refused this message (bad number, template, quota, signature …). */
    public static final class Rejected extends SmsFailure {
        private final String providerCode;

        public Rejected(String providerCode, String message) {
            super("SMS provider refused the message: " + providerCode + " " + message, null);
            this.providerCode = providerCode;
        }

        public String providerCode() {
            return providerCode;
        }
    }

    /** The provider could not be reached or did not answer in time, or answered with a server error. */
    public static final class Unavailable extends SmsFailure {
        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
