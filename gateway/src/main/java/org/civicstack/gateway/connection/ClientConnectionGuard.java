package org.civicstack.gateway.connection;

import java.net.InetAddress;
import java.net.InetSocketAddress;
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
 * While a request is in progress the connection has no deadline here: dispatch and platform routes time requests out
 * themselves.
 *
 * <p>State changes happen on every request, so they only move a deadline; at most one timer per connection is
 * pending, and when it fires before the deadline it is set again for the rest — no timer is scheduled or cancelled
 * per request on the hot path. A timer never waits longer than the header timeout, so it is never later than a
 * deadline set after it (the header deadline is the shortest).
 */
public final class ClientConnectionGuard extends ChannelInboundHandlerAdapter {

    public static final String NAME = "civicstack.connection-guard";

    private enum State { IDLE, READING_HEAD, BUSY, CLOSED }

    private final ClientConnections connections;
    private final Runnable onHeaderTimeout;
    private ChannelHandlerContext ctx;
    private State state = State.IDLE;
    /** When the current state's allowance runs out ({@link System#nanoTime()}); unused while busy. */
    private long deadline;
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
        InetAddress peer = ctx.channel().remoteAddress() instanceof InetSocketAddress socket ? socket.getAddress() : null;
        if (!connections.admit(peer)) {
            state = State.CLOSED;
            ctx.close();
            return;
        }
        address = peer;
        enter(State.IDLE, connections.idleTimeoutNanos());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.IDLE) {
            enter(State.READING_HEAD, connections.headerTimeoutNanos());
        }
        ctx.fireChannelRead(msg);
    }

    /** The codec has decoded a request head: the request's own timeouts apply from here. */
    public void requestHeadArrived() {
        if (state != State.CLOSED) {
            state = State.BUSY;
        }
    }

    /** Nothing is in progress on the connection: the next request may take up to the idle timeout to start. */
    public void idle() {
        if (state == State.BUSY) {
            enter(State.IDLE, connections.idleTimeoutNanos());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        state = State.CLOSED;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        if (counted) {
            counted = false;
            connections.release(address);
            connections.closedConnection();
        }
        ctx.fireChannelInactive();
    }

    private void enter(State next, long allowanceNanos) {
        state = next;
        if (allowanceNanos <= 0) {
            deadline = Long.MAX_VALUE; // this limit is switched off
            return;
        }
        deadline = System.nanoTime() + allowanceNanos;
        if (timer == null) {
            schedule(allowanceNanos);
        }
    }

    private void schedule(long nanos) {
        long step = connections.headerTimeoutNanos() > 0 ? Math.min(nanos, connections.headerTimeoutNanos()) : nanos;
        timer = ctx.executor().schedule(this::check, step, TimeUnit.NANOSECONDS);
    }

    private void check() {
        timer = null;
        if (state == State.BUSY || state == State.CLOSED) {
            return; // the next state change sets a new deadline and timer
        }
        long left = deadline == Long.MAX_VALUE ? Long.MAX_VALUE : deadline - System.nanoTime();
        if (left > 0) {
            schedule(left);
            return;
        }
        if (state == State.IDLE) {
            state = State.CLOSED;
            connections.idleTimedOut();
            ctx.close();
        } else {
            state = State.CLOSED;
            connections.headerTimedOut();
            onHeaderTimeout.run();
        }
    }
}
