package org.civicstack.infra;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

import javax.net.ssl.SSLSocketFactory;

/**
 * One Redis command over a fresh connection, for provisioning checks and test clean-up only (services use
 * Lettuce). Speaks just enough RESP: AUTH from the URL's credentials, then the command; returns the first reply line.
 */
public final class RespCommands {

    private static final int TIMEOUT_MS = 5_000;

    private RespCommands() {
    }

    public static String execute(URI url, String... args) throws IOException {
        try (Socket socket = "rediss".equals(url.getScheme())
                ? SSLSocketFactory.getDefault().createSocket() : new Socket()) {
            socket.connect(new InetSocketAddress(url.getHost(), port(url)), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            if (url.getRawUserInfo() != null) {
                String[] parts = url.getRawUserInfo().split(":", 2);
                String reply = send(out, in, parts.length == 2 && !parts[0].isEmpty()
                        ? new String[] {"AUTH", decode(parts[0]), decode(parts[1])}
                        : new String[] {"AUTH", decode(parts[parts.length - 1])});
                if (!reply.startsWith("+OK")) {
                    throw new IOException("authentication failed: " + reply);
                }
            }
            return send(out, in, args);
        }
    }

    static int port(URI url) {
        return url.getPort() > 0 ? url.getPort() : 6379;
    }

    private static String send(OutputStream out, InputStream in, String[] args) throws IOException {
        StringBuilder cmd = new StringBuilder("*").append(args.length).append("\r\n");
        for (String arg : args) {
            byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
            cmd.append('$').append(bytes.length).append("\r\n").append(arg).append("\r\n");
        }
        out.write(cmd.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n' && line.length() < 512) {
            if (c != '\r') {
                line.append((char) c);
            }
        }
        if (line.length() == 0) {
            throw new IOException("connection closed without a reply");
        }
        return line.toString();
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
