// Baseline for ADR 0005: a bare Netty HTTP/1.1 proxy with per-event-loop keep-alive pools (no rules, no limits,
// no records). Not part of the product; see README.md next to this file for how it was run.
import io.netty.bootstrap.*;
import io.netty.channel.*;
import io.netty.channel.epoll.*;
import io.netty.handler.codec.http.*;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;

public class NettyProxy {
    static InetSocketAddress UP;
    static final io.netty.util.concurrent.FastThreadLocal<ArrayDeque<Channel>> POOL = new io.netty.util.concurrent.FastThreadLocal<>() {
        protected ArrayDeque<Channel> initialValue() { return new ArrayDeque<>(); } };

    public static void main(String[] a) throws Exception {
        UP = new InetSocketAddress("127.0.0.1", Integer.parseInt(a[1]));
        EventLoopGroup g = new EpollEventLoopGroup(2);
        new ServerBootstrap().group(g).channel(EpollServerSocketChannel.class)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(new ChannelInitializer<Channel>() { protected void initChannel(Channel ch) {
                ch.pipeline().addLast(new HttpServerCodec(), new Front()); }})
            .bind("127.0.0.1", Integer.parseInt(a[0])).sync().channel().closeFuture().sync();
    }

    static class Front extends ChannelInboundHandlerAdapter {
        Channel up; Channel client; java.util.List<Object> pending = new java.util.ArrayList<>(); boolean connecting;
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            client = ctx.channel();
            if (msg instanceof HttpRequest req) {
                req.headers().set("X-Forwarded-For", "1.2.3.4");
                req.headers().remove(HttpHeaderNames.AUTHORIZATION);
                ArrayDeque<Channel> pool = POOL.get();
                Channel c; 
                while ((c = pool.poll()) != null && !c.isActive()) {}
                if (c != null) { bind(c); c.write(msg); }
                else {
                    ctx.channel().config().setAutoRead(false); connecting = true;
                    new Bootstrap().group(ctx.channel().eventLoop()).channel(EpollSocketChannel.class)
                        .option(ChannelOption.TCP_NODELAY, true)
                        .handler(new ChannelInitializer<Channel>() { protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpClientCodec(), new Back()); }})
                        .connect(UP).addListener((ChannelFutureListener) f -> {
                            ctx.channel().config().setAutoRead(true);
                            if (!f.isSuccess()) { ReferenceCountUtil.release(msg); ctx.close(); return; }
                            connecting=false; bind(f.channel()); f.channel().write(msg); for (Object o : pending) f.channel().write(o); pending.clear(); f.channel().flush();
                        });
                }
            } else if (msg instanceof HttpContent) {
                if (connecting) { pending.add(msg); return; } if (up == null) { ReferenceCountUtil.release(msg); return; }
                if (msg instanceof LastHttpContent) up.writeAndFlush(msg); else up.write(msg);
            }
        }
        void bind(Channel c) { up = c; ((Back) c.pipeline().get(Back.class)).front = this; }
    }
    static class Back extends ChannelInboundHandlerAdapter {
        Front front;
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            Channel client = front.client;
            if (msg instanceof LastHttpContent) {
                Front f = front; front = null; f.up = null;
                client.writeAndFlush(msg);
                POOL.get().push(ctx.channel());
            } else client.write(msg);
        }
    }
}
