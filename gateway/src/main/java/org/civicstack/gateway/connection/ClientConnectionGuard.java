package org.civicstack.gateway.connection;

import java.net.InetAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * One client connection's protection against slow and idle clients, and its place in the per-address limit. Sits
 * in front of the HTTP codec (so it sees the first byte of a request), and is told by the handler behind the codec
 * when a request head is complete and when the connection has nothing in progress any more. All on the
 * connection's event loop.
 *
 * <pre>
 *   idle ──first byte──▶ reading head ──head decoded──▶ busy ──response written, nothing pending──▶ idle
 *    └─ idleTimeout: close            └─ headerReadTimeout: 408 problem, close
 * </pre>
 * While a request is in progress the connection has no timer here: dispatch and platform routes time requests out
 * themselves.
 */
public final class ClientConnectionGuard extends ChannelInboundHandlerAdapter {

    public static final String NAME = "civicstack.connection-guard";

    private enum State { IDLE, READING_HEAD, BUSY, CLOSED }

    private final ClientConnections connections;
    private final Runnable onHeaderTimeout;
    private ChannelHandlerContext ctx;
    private State state = State.IDLE;
    private ScheduledFuture<?> timer;
    private InetAddress address;
    private boolean counted;

    /**
     * @param onHeaderTimeout answers and closes the connection when a request head did not arrive in time (run on
     *        the event loop by the handler behind the codec, which can write HTTP)
     */
    public ClientConnectionGuard(ClientConnections connections, Runnable onHeaderTimeout) {
        this.connections = connections;
        this.onHeaderTimeout = onHeaderTimeout;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        counted = true;
        address = connections.admit(ctx.channel().remoteAddress());
        if (address == null && ctx.channel().remoteAddress() instanceof java.net.InetSocketAddress) {
            state = State.CLOSED;
            ctx.close();
            return;
        }
        schedule(connections.idleTimeoutNanos());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.IDLE) {
            state = State.READING_HEAD;
            schedule(connections.headerTimeoutNanos());
        }
        ctx.fireChannelRead(msg);
    }

    /** The codec has decoded a request head: the request's own timeouts apply from here. */
    public void requestHeadArrived() {
        if (state == State.CLOSED) {
            return;
        }
        state = State.BUSY;
        cancel();
    }

    /** Nothing is in progress on the connection: the next request may take up to the idle timeout to start. */
    public void idle() {
        if (state != State.BUSY) {
            return;
        }
        state = State.IDLE;
        schedule(connections.idleTimeoutNanos());
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSED;
        cancel();
        if (counted) {
            counted = false;
            connections.release(address);
            connections.closedConnection();
        }
        ctx.fireChannelInactive();
    }

    private void schedule(long nanos) {
        cancel();
        if (nanos > 0) {
            timer = ctx.executor().schedule(this::expired, nanos, TimeUnit.NANOSECONDS);
        }
    }

    private void cancel() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void expired() {
        timer = null;
        switch (state) {
            case IDLE -> {
                state = State.CLOSED;
                connections.idleTimedOut();
                ctx.close();
            }
            case READING_HEAD -> {
                state = State.CLOSED;
                connections.headerTimedOut();
                onHeaderTimeout.run();
            }
            default -> {
            }
        }
    }
}
