package org.civicstack.payments.channel;

import java.util.Arrays;
import java.util.Optional;

/** The payment channels the cashier offers; the wire form is the lower-case name used in APIs and URLs. */
public enum ChannelKind {
    WECHAT_PAY("wechat_pay"),
    ALIPAY("alipay"),
    SANDBOX("sandbox");

    private final String wire;

    ChannelKind(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static Optional<ChannelKind> fromWire(String text) {
        return Arrays.stream(values()).filter(kind -> kind.wire.equals(text)).findFirst();
    }
}
