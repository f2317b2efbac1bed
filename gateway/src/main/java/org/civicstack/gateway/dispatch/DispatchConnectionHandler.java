package org.civicstack.gateway.dispatch;

import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Arrays;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.ReferenceCountUtil;
import org.civicstack.gateway.connection.ClientConnectionGuard;
import org.civicstack.gateway.connection.RequestHeadRules;
import org.civicstack.platform.error.ApiProblem;
import org.civicstack.platform.web.RequestIds;

/**
 * Sits right behind the HTTP codec of every connection to the gateway and takes {@code /s/**} requests out of the
 * stream before Spring's web stack sees them; everything else passes on untouched to Reactor Netty and Spring
 * Cloud Gateway. This keeps agency dispatch — the platform's hot path — off the generic filter chain (see ADR 0005).
 *
 * <p>HTTP/1.1 answers requests on a connection in order. Real clients do not pipeline, but the handler keeps the
 * order anyway: a request that arrives while the other side still owes a response is held, and reading stops, until
 * that response is written. Reactor Netty drives reads explicitly ({@code autoRead} off); this handler asks for the
 * next read itself while it owns the connection and swallows the web stack's read requests meanwhile.
 *
 * <p>Every request head, dispatched or not, first passes {@link RequestHeadRules}; one that fails (the codec could
 * not parse it, no or two {@code Host}s, a transfer coding other than chunked, control characters in the target)
 * is answered here with the platform's problem+json and its connection closed. The connection's
 * {@link ClientConnectionGuard} learns when a request head arrived and when nothing is in progress any more.
 */
final class DispatchConnectionHandler extends ChannelDuplexHandler {

    static final String NAME = "civicstack.dispatch";
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(DispatchConnectionHandler.class);

    private final DispatchEngine engine;
    private final ClientConnectionGuard guard;
    private ChannelHandlerContext ctx;
    /** Our request in progress: its request not yet fully read or its response not yet fully written. */
    private DispatchExchange current;
    /** Requests handed to the web stack whose responses are not yet fully written. */
    private int passedOn;
    /** The content of a request handed to the web stack is still arriving. */
    private boolean passingBody;
    /** Messages that must wait until the response owed on this connection is written. */
    private ArrayDeque<Object> held;
    /** A request was refused with a problem: the connection closes, nothing more is read or routed. */
    private boolean closing;

    private String clientAddress;
    private String scheme;
    private String callerId;

    DispatchConnectionHandler(DispatchEngine engine, ClientConnectionGuard guard) {
        this.engine = engine;
        this.guard = guard;
    }

    /** A request refused before routing, waiting (like a dispatch) for the responses owed before it. */
    private record Refusal(ApiProblem problem, String requestId) {
    }

    /** The citizen's IP address as the gateway sees it (never what a client header claims). */
    String clientAddress() {
        if (clientAddress == null) {
            clientAddress = ctx.channel().remoteAddress() instanceof InetSocketAddress address
                    && address.getAddress() != null ? address.getAddress().getHostAddress() : "unknown";
        }
        return clientAddress;
    }

    /** {@code http} or {@code https}: how the citizen reached the gateway. */
    String scheme() {
        if (scheme == null) {
            scheme = ctx.pipeline().get(SslHandler.class) != null ? "https" : "http";
        }
        return scheme;
    }

    /**
     * Whose per-caller rate-limit bucket this connection's requests use. Until the gateway authenticates citizens
     * (the identity issue), the caller is the client address, hashed so no address appears in Redis key names.
     */
    String callerId() {
        if (callerId == null) {
            callerId = ctx.channel().remoteAddress() instanceof InetSocketAddress address && address.getAddress() != null
                    ? "ip-" + Integer.toHexString(Arrays.hashCode(address.getAddress().getAddress())) : null;
        }
        return callerId;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    static boolean isDispatch(HttpRequest request) {
        return request.uri().startsWith(DispatchExchange.PREFIX) && request.decoderResult().isSuccess();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (closing) {
            ReferenceCountUtil.release(msg);
            return;
        }
        if (msg instanceof HttpRequest request) {
            guard.requestHeadArrived();
            ApiProblem problem = RequestHeadRules.check(request);
            if (problem != null) {
                String requestId = request.decoderResult().isSuccess()
                        ? RequestIds.acceptOrCreate(request.headers().get(RequestIds.HEADER)) : RequestIds.create();
                ReferenceCountUtil.release(msg);
                msg = new Refusal(problem, requestId);
            }
        }
        if ((held != null && !held.isEmpty()) || mustWait(msg)) {
            hold(msg);
            return;
        }
        route(msg);
    }

    private boolean mustWait(Object msg) {
        if (msg instanceof Refusal) {
            return current != null || passedOn > 0;
        }
        return msg instanceof HttpRequest request
                && (current != null || (passedOn > 0 && isDispatch(request)));
    }

    private void route(Object msg) {
        if (msg instanceof Refusal refusal) {
            refuse(refusal.problem(), refusal.requestId());
            return;
        }
        if (msg instanceof HttpRequest request) {
            if (isDispatch(request)) {
                current = new DispatchExchange(engine, this, ctx, request);
                current.start();
                if (msg instanceof HttpContent content && current != null) {
                    current.onRequestContent(content);
                }
            } else {
                passedOn++;
                passingBody = !(msg instanceof LastHttpContent);
                ctx.fireChannelRead(msg);
            }
            return;
        }
        if (msg instanceof HttpContent content) {
            if (passingBody) {
                passingBody = !(msg instanceof LastHttpContent);
                ctx.fireChannelRead(msg);
            } else if (current != null) {
                current.onRequestContent(content);
            } else {
                ReferenceCountUtil.release(msg);
            }
            return;
        }
        ctx.fireChannelRead(msg);
    }

    /** Answers with {@code problem} and closes the connection once it is written. */
    private void refuse(ApiProblem problem, String requestId) {
        closing = true;
        discardHeld();
        ctx.writeAndFlush(engine.render(problem, null, requestId, false)).addListener(ChannelFutureListener.CLOSE);
    }

    /** The connection's request head did not arrive in time (called by its guard, on the event loop). */
    void headerTimedOut() {
        if (closing || current != null || passedOn > 0) {
            ctx.close();
            return;
        }
        refuse(new ApiProblem(408, "request_timeout", "Request timeout",
                "The request headers did not arrive in time."), RequestIds.create());
    }

    private void hold(Object msg) {
        if (held == null) {
            held = new ArrayDeque<>(4);
        }
        held.add(msg);
    }

    /** Called by the exchange once its response is written and its request read; {@code keepAlive} = read on. */
    void exchangeFinished(DispatchExchange exchange, boolean keepAlive) {
        if (current != exchange) {
            return;
        }
        current = null;
        if (!keepAlive) {
            // the answer's write closes the connection once it is out
            closing = true;
            discardHeld();
            return;
        }
        drainHeld();
    }

    /** Tells the guard when the connection has nothing in progress, so its idle timeout runs. */
    private void becomeIdleIfDone() {
        if (current == null && passedOn == 0 && !passingBody && !closing && (held == null || held.isEmpty())) {
            guard.idle();
        }
    }

    private void drainHeld() {
        while (held != null && !held.isEmpty()) {
            if (mustWait(held.peek())) {
                return;
            }
            route(held.poll());
        }
        if (current == null || current.wantsRequestData()) {
            ctx.read();
        }
        becomeIdleIfDone();
    }

    /** The exchange wants more of its request body (the upstream can take it). */
    void readMore() {
        ctx.read();
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (current != null) {
            // what this read brought of the request body goes out now, not when the body ends: an upstream that
            // only answers after the whole body must get it, and unflushed bytes would stop reading at the
            // outbound buffer's high-water mark for good
            current.flushUpstream();
            if (current != null && current.wantsRequestData()) {
                ctx.read();
            }
        }
        ctx.fireChannelReadComplete();
    }

    @Override
    public void read(ChannelHandlerContext ctx) {
        // the web stack asks for more after its own responses; while we own the connection, we decide
        if (closing || current != null || (held != null && !held.isEmpty())) {
            return;
        }
        ctx.read();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        ctx.write(msg, promise);
        if (msg instanceof HttpResponse response && response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            return; // 100 Continue: the real response is still to come
        }
        if (passedOn > 0 && msg instanceof LastHttpContent) {
            passedOn--;
            if (passedOn == 0 && held != null && !held.isEmpty()) {
                ctx.executor().execute(this::drainHeld);
            } else {
                becomeIdleIfDone();
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (current != null) {
            current.onClientWritabilityChanged();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        DispatchExchange exchange = current;
        current = null;
        discardHeld();
        if (exchange != null) {
            exchange.onClientClosed();
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (current != null) {
            // our request's connection failed (reset, TLS alert...) or dispatch itself failed: nothing more can be
            // sent on it. The citizen's side going away is routine; anything else is a bug worth a stack trace.
            if (!(cause instanceof java.io.IOException)) {
                log.error("Agency dispatch failed on a citizen connection; closing it", cause);
            }
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }

    private void discardHeld() {
        if (held != null) {
            Object msg;
            while ((msg = held.poll()) != null) {
                ReferenceCountUtil.release(msg);
            }
        }
    }
}
