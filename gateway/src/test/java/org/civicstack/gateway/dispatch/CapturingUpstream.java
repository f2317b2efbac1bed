package org.civicstack.gateway.dispatch;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An agency upstream that records exactly what reaches it: every request it parses on every connection, with its
 * raw header lines and body, framed by the headers it received (Content-Length, chunked, or none = no body — as an
 * agency's server would). A request smuggled inside another's body therefore shows up as a second recorded request.
 *
 * <p>Answers {@code 200} with {@code received <n> bytes}; closes the connection after answering when the target
 * contains {@code /cold} (so the gateway's next call needs a new connection). A slow instance reads bodies in small
 * pieces with pauses, like an agency system that is busy writing what it reads.
 */
final class CapturingUpstream implements AutoCloseable {

    /** One request as the upstream parsed it. */
    record Captured(int connection, int indexOnConnection, String method, String target, List<String> headerLines,
            byte[] body) {

        List<String> headers(String name) {
            String prefix = name.toLowerCase(Locale.ROOT) + ":";
            List<String> values = new ArrayList<>();
            for (String line : headerLines) {
                if (line.toLowerCase(Locale.ROOT).startsWith(prefix)) {
                    values.add(line.substring(prefix.length()).trim());
                }
            }
            return values;
        }

        String header(String name) {
            List<String> values = headers(name);
            return values.isEmpty() ? null : values.get(0);
        }
    }

    private final ServerSocket server;
    private final boolean slow;
    private final AtomicInteger connections = new AtomicInteger();
    private final LinkedBlockingQueue<Captured> captured = new LinkedBlockingQueue<>();

    CapturingUpstream(boolean slow) throws IOException {
        this.slow = slow;
        server = new ServerSocket();
        if (slow) {
            // a small receive window, so that a slow reader pushes back on the gateway at once
            server.setReceiveBufferSize(8 * 1024);
        }
        server.bind(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        Thread acceptor = new Thread(this::acceptLoop, "capturing-upstream");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    int port() {
        return server.getLocalPort();
    }

    int connections() {
        return connections.get();
    }

    /** Forgets what was recorded so far. */
    void reset() {
        captured.clear();
    }

    /** The next recorded request, waiting up to {@code timeout}; {@code null} if none came. */
    Captured next(Duration timeout) throws InterruptedException {
        return captured.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Everything recorded so far after waiting {@code quiet} for stragglers. */
    List<Captured> drain(Duration quiet) throws InterruptedException {
        Instant end = Instant.now().plus(quiet);
        List<Captured> all = new ArrayList<>();
        while (Instant.now().isBefore(end)) {
            Captured c = captured.poll(20, TimeUnit.MILLISECONDS);
            if (c != null) {
                all.add(c);
            }
        }
        captured.drainTo(all);
        return all;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                int id = connections.incrementAndGet();
                Thread worker = new Thread(() -> serve(socket, id), "capturing-upstream-" + id);
                worker.setDaemon(true);
                worker.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket socket, int id) {
        try (socket) {
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            for (int index = 0; ; index++) {
                String requestLine = line(in);
                if (requestLine == null) {
                    return;
                }
                if (requestLine.isEmpty()) {
                    index--;
                    continue;
                }
                List<String> headers = new ArrayList<>();
                for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
                    headers.add(header);
                }
                String[] parts = requestLine.split(" ");
                byte[] body = readBody(in, headers);
                Captured request = new Captured(id, index, parts[0], parts.length > 1 ? parts[1] : "", headers, body);
                captured.add(request);
                byte[] answer = ("received " + request.body().length + " bytes").getBytes(StandardCharsets.US_ASCII);
                boolean close = request.target().contains("/cold");
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: " + answer.length + "\r\n"
                        + (close ? "Connection: close\r\n" : "") + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(answer);
                out.flush();
                if (close) {
                    return;
                }
            }
        } catch (IOException | RuntimeException e) {
            // the gateway went away, or sent something this parser cannot frame
        }
    }

    private byte[] readBody(InputStream in, List<String> headers) throws IOException {
        String length = null;
        boolean chunked = false;
        for (String header : headers) {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("content-length:")) {
                length = header.substring(15).trim();
            } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                chunked = true;
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (int size = Integer.parseInt(line(in).split(";")[0].trim(), 16); size > 0;
                    size = Integer.parseInt(line(in).split(";")[0].trim(), 16)) {
                body.write(read(in, size));
                line(in);
            }
            for (String trailer = line(in); trailer != null && !trailer.isEmpty(); trailer = line(in)) {
                headers.add("trailer " + trailer);
            }
        } else if (length != null) {
            body.write(read(in, Integer.parseInt(length)));
        }
        return body.toByteArray();
    }

    private byte[] read(InputStream in, int size) throws IOException {
        if (!slow) {
            return in.readNBytes(size);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(size);
        while (out.size() < size) {
            byte[] piece = in.readNBytes(Math.min(16 * 1024, size - out.size()));
            if (piece.length == 0) {
                break;
            }
            out.write(piece);
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            }
        }
        return out.toByteArray();
    }

    private static String line(InputStream in) throws IOException {
        return RawHttp.readLine(in);
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
