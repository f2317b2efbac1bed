package org.civicstack.gateway.dispatch;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * Connections from the gateway to agency upstreams: HTTP/1.1 keep-alive connections pooled per event loop and
 * per {@link UpstreamOrigin}, so a dispatch never crosses threads — the upstream connection lives on the same event
 * loop as the citizen's connection, and the pool needs no locks.
 *
 * <p>Every new connection resolves its host through the connect-time SSRF check (the {@code resolver}), verifies the
 * upstream's certificate and host name for {@code https}, and is closed after sitting idle in the pool for
 * {@code idleTimeout} (before the typical upstream keep-alive timeout, so the gateway rarely reuses a connection the
 * upstream is closing).
 */
public final class UpstreamConnector implements AutoCloseable {

    /** Called on the event loop with either a ready connection or the reason there is none. */
    @FunctionalInterface
    public interface Callback {
        void connected(Channel channel, boolean reused, Throwable failure);
    }

    private final AddressResolverGroup<InetSocketAddress> resolver;
    private final SslContext tls;
    private final int maxIdlePerOrigin;
    private final long idleTimeoutMillis;
    private final ChannelGroup all = new DefaultChannelGroup("civicstack-upstreams", GlobalEventExecutor.INSTANCE);
    private final FastThreadLocal<Map<UpstreamOrigin, ArrayDeque<Channel>>> pools = new FastThreadLocal<>() {
        @Override
        protected Map<UpstreamOrigin, ArrayDeque<Channel>> initialValue() {
            return new HashMap<>();
        }
    };
    private final Counter opened;

    public UpstreamConnector(AddressResolverGroup<InetSocketAddress> resolver, int maxIdlePerOrigin,
            long idleTimeoutMillis, MeterRegistry meters) {
        this.resolver = resolver;
        this.maxIdlePerOrigin = maxIdlePerOrigin;
        this.idleTimeoutMillis = idleTimeoutMillis;
        try {
            this.tls = SslContextBuilder.forClient().build();
        } catch (SSLException e) {
            throw new IllegalStateException("cannot set up TLS for upstream connections", e);
        }
        this.opened = Counter.builder("civicstack.gateway.dispatch.upstream.connections.opened")
                .description("connections opened to agency upstreams (a high rate means keep-alive is not working)")
                .register(meters);
        Gauge.builder("civicstack.gateway.dispatch.upstream.connections.open", all, ChannelGroup::size)
                .description("connections to agency upstreams, in use or idle in the pool").register(meters);
    }

    /**
     * A connection to {@code origin} for a request arriving on {@code client}: an idle pooled one when there is one,
     * else a new one. Must be called on {@code client}'s event loop; the callback runs there.
     */
    public void acquire(Channel client, UpstreamOrigin origin, int connectTimeoutMillis, Callback callback) {
        EventLoop loop = client.eventLoop();
        ArrayDeque<Channel> idle = pools.get().get(origin);
        if (idle != null) {
            Channel channel;
            while ((channel = idle.pollLast()) != null) {
                if (channel.isActive()) {
                    callback.connected(channel, true, null);
                    return;
                }
            }
        }
        Bootstrap bootstrap = new Bootstrap()
                .group(loop)
                .channel(client.getClass().asSubclass(Channel.class))
                .resolver(resolver)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMillis)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel channel) {
                        if (origin.tls()) {
                            SslHandler ssl = tls.newHandler(channel.alloc(), origin.host(), origin.port());
                            SSLEngine engine = ssl.engine();
                            SSLParameters parameters = engine.getSSLParameters();
                            parameters.setEndpointIdentificationAlgorithm("HTTPS");
                            engine.setSSLParameters(parameters);
                            ssl.setHandshakeTimeoutMillis(connectTimeoutMillis);
                            channel.pipeline().addLast("civicstack.upstream-tls", ssl);
                        }
                        channel.pipeline()
                                .addLast("civicstack.upstream-codec", new HttpClientCodec(4096, 16 * 1024, 16 * 1024))
                                .addLast("civicstack.upstream-idle", new IdleStateHandler(0, 0, idleTimeoutMillis, TimeUnit.MILLISECONDS) {
                                    @Override
                                    protected void channelIdle(io.netty.channel.ChannelHandlerContext ctx,
                                            IdleStateEvent event) {
                                        // only an unused connection is idle this long: a call in flight has its own
                                        // (shorter) response timeout
                                        ctx.close();
                                    }
                                })
                                .addLast("civicstack.upstream", new UpstreamHandler());
                    }
                });
        ChannelFuture connect = bootstrap.connect(InetSocketAddress.createUnresolved(origin.host(), origin.port()));
        connect.addListener((ChannelFutureListener) done -> {
            if (!done.isSuccess()) {
                callback.connected(null, false, done.cause());
                return;
            }
            Channel channel = done.channel();
            opened.increment();
            all.add(channel);
            // a pooled connection the upstream closes leaves the pool at once (runs on the connection's loop)
            channel.closeFuture().addListener(closed -> {
                ArrayDeque<Channel> pooled = pools.get().get(origin);
                if (pooled != null) {
                    pooled.remove(channel);
                }
            });
            SslHandler ssl = channel.pipeline().get(SslHandler.class);
            if (ssl == null) {
                callback.connected(channel, false, null);
                return;
            }
            ssl.handshakeFuture().addListener(handshake -> {
                if (handshake.isSuccess()) {
                    callback.connected(channel, false, null);
                } else {
                    channel.close();
                    callback.connected(null, false, handshake.cause());
                }
            });
        });
    }

    /**
     * Gives a connection back after a complete exchange; it is kept for the next call to the same origin unless the
     * pool for that origin is full. Must be called on the connection's event loop.
     */
    public void release(Channel channel, UpstreamOrigin origin) {
        if (!channel.isActive()) {
            return;
        }
        channel.config().setAutoRead(true);
        ArrayDeque<Channel> idle = pools.get().computeIfAbsent(origin, o -> new ArrayDeque<>());
        if (idle.size() >= maxIdlePerOrigin) {
            channel.close();
            return;
        }
        idle.addLast(channel);
    }

    @Override
    public void close() {
        all.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }
}
