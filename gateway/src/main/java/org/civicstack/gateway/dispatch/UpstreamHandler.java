package org.civicstack.gateway.dispatch;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of an upstream connection: hands what the upstream sends to the {@link DispatchExchange} the
 * connection currently serves. A pooled connection serves nobody; anything it receives then is a protocol error and
 * the connection is closed.
 */
final class UpstreamHandler extends ChannelInboundHandlerAdapter {

    private DispatchExchange exchange;

    void bind(DispatchExchange exchange) {
        this.exchange = exchange;
    }

    void unbind() {
        this.exchange = null;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        DispatchExchange current = exchange;
        if (current == null) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        if (msg instanceof HttpObject object && object.decoderResult().isFailure()) {
            // not HTTP the codec can frame (both lengths, a bad chunk, garbage): nothing of it reaches the citizen
            ReferenceCountUtil.release(msg);
            exchange = null;
            ctx.close();
            current.onUpstreamClosed(new DecoderException("unparseable answer from upstream",
                    object.decoderResult().cause()));
            return;
        }
        if (msg instanceof HttpResponse response) {
            current.onUpstreamResponse(response);
        }
        if (msg instanceof HttpContent content) {
            // the exchange may have let go of the connection while handling the response head
            if (exchange == current) {
                current.onUpstreamContent(content);
            } else {
                content.release();
            }
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        DispatchExchange current = exchange;
        if (current != null) {
            current.onUpstreamReadComplete();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        DispatchExchange current = exchange;
        if (current != null) {
            current.onUpstreamWritabilityChanged();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        DispatchExchange current = exchange;
        exchange = null;
        if (current != null) {
            current.onUpstreamClosed(null);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        DispatchExchange current = exchange;
        exchange = null;
        ctx.close();
        if (current != null) {
            current.onUpstreamClosed(cause);
        }
    }
}
