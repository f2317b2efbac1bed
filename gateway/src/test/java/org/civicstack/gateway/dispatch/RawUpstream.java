package org.civicstack.gateway.dispatch;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An agency upstream that misbehaves in ways WireMock cannot: answers whose body ends when the connection closes
 * (no length, no chunks), answers sent before the request body was read, and keep-alive connections it drops without answering the second request on them (a
 * keep-alive timeout racing the gateway's reuse). Understands bodyless requests only.
 */
final class RawUpstream implements AutoCloseable {

    private final ServerSocket server;
    private final Thread acceptor;
    final AtomicInteger connections = new AtomicInteger();

    RawUpstream() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::acceptLoop, "raw-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                connections.incrementAndGet();
                Thread worker = new Thread(() -> serve(socket), "raw-upstream-connection");
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private static void serve(Socket socket) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            for (int served = 0; ; served++) {
                String target = readRequestTarget(in);
                if (target == null) {
                    return;
                }
                if (target.contains("/close-delimited")) {
                    out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nuntil the end"
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    return;
                }
                if (target.contains("/both-lengths")) {
                    // a desynchronising answer: which length counts is anybody's guess
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
                            + "0\r\n\r\nHTTP/1.1 200 OK\r\n").getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    continue;
                }
                if (target.contains("/early")) {
                    // answers at once, without reading the body the request announced
                    out.write("HTTP/1.1 401 Unauthorized\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    continue;
                }
                if (target.contains("/drops-reused") && served > 0) {
                    return; // closes a reused connection without a word
                }
                byte[] body = ("served " + target).getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + body.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            }
        } catch (IOException e) {
            // the gateway went away
        }
    }

    /** The request target of the next request head, or {@code null} at end of stream. */
    private static String readRequestTarget(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        int c;
        while ((c = in.read()) != -1) {
            head.append((char) c);
            if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                return head.toString().split(" ")[1];
            }
        }
        return null;
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
