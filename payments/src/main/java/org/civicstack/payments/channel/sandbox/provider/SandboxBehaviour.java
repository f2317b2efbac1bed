package org.civicstack.payments.channel.sandbox.provider;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * How the sandbox provider misbehaves, on demand, so the payment module can be tested against the failures a real
 * provider shows: late, repeated, out-of-order or missing notifications, refunds that complete later, and API calls
 * that fail in each of the three ways a client must tell apart. Set at start ({@link SandboxProviderSettings}) and
 * changed at run time through {@code POST /v1/behaviour}.
 *
 * @param notificationDelay how long after the event each notification is first sent
 * @param duplicates how many times each notification is delivered (1 = once); every copy has the same id
 * @param reorder hold each notification for {@link SandboxProviderSettings#reorderWindow()}; if a later one for
 *                the same order comes in that time, send the later one first
 * @param drop never send notifications (the merchant must query)
 * @param refundDelay zero: a refund succeeds in the call that creates it; otherwise it answers {@code processing}
 *                    and succeeds this long after
 * @param faults the API faults still to be served, per operation
 */
public record SandboxBehaviour(Duration notificationDelay, int duplicates, boolean reorder, boolean drop,
        Duration refundDelay, Map<Operation, Fault> faults) {

    public SandboxBehaviour {
        Objects.requireNonNull(notificationDelay, "notificationDelay");
        Objects.requireNonNull(refundDelay, "refundDelay");
        if (notificationDelay.isNegative() || refundDelay.isNegative()) {
            throw new IllegalArgumentException("delays cannot be negative");
        }
        if (duplicates < 1 || duplicates > 100) {
            throw new IllegalArgumentException("duplicates must be 1..100");
        }
        EnumMap<Operation, Fault> copy = new EnumMap<>(Operation.class);
        copy.putAll(faults);
        faults = Map.copyOf(copy);
    }

    /** A well-behaved provider: notifications sent at once, one each, in order; refunds at once; no faults. */
    public static SandboxBehaviour normal() {
        return new SandboxBehaviour(Duration.ZERO, 1, false, false, Duration.ZERO, Map.of());
    }

    public SandboxBehaviour withNotificationDelay(Duration delay) {
        return new SandboxBehaviour(delay, duplicates, reorder, drop, refundDelay, faults);
    }

    public SandboxBehaviour withDuplicates(int times) {
        return new SandboxBehaviour(notificationDelay, times, reorder, drop, refundDelay, faults);
    }

    public SandboxBehaviour withReorder(boolean on) {
        return new SandboxBehaviour(notificationDelay, duplicates, on, drop, refundDelay, faults);
    }

    public SandboxBehaviour withDrop(boolean on) {
        return new SandboxBehaviour(notificationDelay, duplicates, reorder, on, refundDelay, faults);
    }

    public SandboxBehaviour withRefundDelay(Duration delay) {
        return new SandboxBehaviour(notificationDelay, duplicates, reorder, drop, delay, faults);
    }

    /** The next {@code count} calls of {@code operation} fail as {@code kind}; replaces any fault set for it. */
    public SandboxBehaviour withFault(Operation operation, FaultKind kind, int count) {
        EnumMap<Operation, Fault> next = new EnumMap<>(Operation.class);
        next.putAll(faults);
        next.put(operation, new Fault(kind, count));
        return new SandboxBehaviour(notificationDelay, duplicates, reorder, drop, refundDelay, next);
    }

    /** A merchant API operation that faults can be set for; the wire name is used in {@code POST /v1/behaviour}. */
    public enum Operation {
        CREATE_ORDER("create_order"),
        QUERY_ORDER("query_order"),
        CLOSE_ORDER("close_order"),
        CREATE_REFUND("create_refund"),
        QUERY_REFUND("query_refund"),
        STATEMENT("statement");

        private final String wire;

        Operation(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public static Optional<Operation> fromWire(String text) {
            return Arrays.stream(values()).filter(op -> op.wire.equals(text)).findFirst();
        }
    }

    /**
     * How a faulted call fails. The three differ in what the client may conclude, which is the point of having them.
     */
    public enum FaultKind {
        /** The call is carried out, then answered 500 {@code internal_error}: the client cannot know it took effect. */
        ERROR("error"),
        /** The call is carried out, and its answer held back longer than any client waits. */
        TIMEOUT("timeout"),
        /** The call is not carried out; 503 {@code system_busy}, documented as "not processed, retry". */
        BUSY("busy");

        private final String wire;

        FaultKind(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public static Optional<FaultKind> fromWire(String text) {
            return Arrays.stream(values()).filter(kind -> kind.wire.equals(text)).findFirst();
        }
    }

    /** {@code count} more calls fail as {@code kind}. */
    public record Fault(FaultKind kind, int count) {
        public Fault {
            Objects.requireNonNull(kind, "kind");
            if (count < 0) {
                throw new IllegalArgumentException("fault count cannot be negative");
            }
        }
    }
}
