package org.civicstack.payments.channel;

import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/** The enum-keyed registry of the channel adapters present in this process. */
public final class PaymentChannels {

    private final Map<ChannelKind, PaymentChannel> byKind = new EnumMap<>(ChannelKind.class);

    public PaymentChannels(Collection<? extends PaymentChannel> channels) {
        for (PaymentChannel channel : channels) {
            if (byKind.putIfAbsent(channel.kind(), channel) != null) {
                throw new IllegalStateException("two adapters for " + channel.kind());
            }
        }
    }

    public Optional<PaymentChannel> find(ChannelKind kind) {
        return Optional.ofNullable(byKind.get(kind));
    }

    public PaymentChannel get(ChannelKind kind) {
        return find(kind).orElseThrow(() -> new IllegalStateException("no adapter for " + kind));
    }

    public Collection<ChannelKind> kinds() {
        return byKind.keySet();
    }
}
