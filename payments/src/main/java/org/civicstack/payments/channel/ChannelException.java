package org.civicstack.payments.channel;

/**
 * A channel call that did not give an answer we can act on as success. The subtype tells the caller what it may
 * conclude — this is why adapters never throw generic exceptions at the payment module:
 * <ul>
 * <li>{@link Unavailable}: the request certainly did not take effect (connection refused, 5xx before processing,
 *     a documented "system busy, try again"); safe to retry the same call.</li>
 * <li>{@link Timeout}: the outcome is unknown (the request may have been processed); the caller must query the
 *     channel before deciding anything.</li>
 * <li>{@link Rejected}: the channel answered and refused (bad parameters, insufficient balance for a refund, order
 *     closed); {@code code} is the channel's own error code.</li>
 * <li>{@link InvalidResponse}: the channel answered something that does not verify (bad response signature) or
 *     parse; treated like a timeout by callers.</li>
 * <li>{@link NotificationRejected}: an incoming notification failed verification (signature, unknown certificate
 *     serial, stale timestamp, undecryptable resource); nothing of it may be used.</li>
 * </ul>
 */
public abstract sealed class ChannelException extends RuntimeException {

    private final ChannelKind channel;

    ChannelException(ChannelKind channel, String message, Throwable cause) {
        super(channel.wire() + ": " + message, cause);
        this.channel = channel;
    }

    public ChannelKind channel() {
        return channel;
    }

    public static final class Unavailable extends ChannelException {
        public Unavailable(ChannelKind channel, String message, Throwable cause) {
            super(channel, message, cause);
        }
    }

    public static final class Timeout extends ChannelException {
        public Timeout(ChannelKind channel, String message, Throwable cause) {
            super(channel, message, cause);
        }
    }

    public static final class Rejected extends ChannelException {
        private final String code;

        public Rejected(ChannelKind channel, String code, String message) {
            super(channel, code + " " + message, null);
            this.code = code;
        }

        public String code() {
            return code;
        }
    }

    public static final class InvalidResponse extends ChannelException {
        public InvalidResponse(ChannelKind channel, String message, Throwable cause) {
            super(channel, message, cause);
        }
    }

    public static final class NotificationRejected extends ChannelException {
        public NotificationRejected(ChannelKind channel, String message) {
            super(channel, message, null);
        }
    }
}
