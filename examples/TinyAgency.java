import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

/**
 * A tiny agency system for the walkthrough: answers every request with JSON saying what it received — method, path,
 * query, body size and the headers the gateway sets (X-Request-Id, X-Forwarded-*, Forwarded, Host), whether an
 * Authorization or Cookie header arrived, and for a citizen service the pairwise {@code sub} of the gateway's
 * assertion (what this agency knows the citizen by). Platform webhooks it receives are acknowledged and printed.
 * Listens on 127.0.0.1 only.
 *
 * <pre>java examples/TinyAgency.java 18490</pre>
 *
 * JDK only (com.sun.net.httpserver); runs as a single source file.
 */
public final class TinyAgency {

    static final List<String> ECHOED = List.of("Host", "X-Request-Id", "X-Forwarded-For", "X-Forwarded-Proto",
            "X-Forwarded-Host", "X-Forwarded-Prefix", "Forwarded", "Accept-Language");

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: java examples/TinyAgency.java <port>");
            System.exit(2);
        }
        int port = Integer.parseInt(args[0]);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
        server.createContext("/", TinyAgency::answer);
        server.start();
        System.out.println("tiny agency listening on http://127.0.0.1:" + port);
    }

    static void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            long bodyBytes;
            try (InputStream in = exchange.getRequestBody()) {
                bodyBytes = in.transferTo(OutputStream.nullOutputStream());
            }
            Map<String, String> received = new TreeMap<>();
            for (String name : ECHOED) {
                String value = exchange.getRequestHeaders().getFirst(name);
                if (value != null) {
                    received.put(name.toLowerCase(java.util.Locale.ROOT), value);
                }
            }
            StringBuilder json = new StringBuilder("{\"agency\":\"tiny-agency\"");
            field(json, "method", exchange.getRequestMethod());
            field(json, "path", exchange.getRequestURI().getRawPath());
            String query = exchange.getRequestURI().getRawQuery();
            if (query != null) {
                field(json, "query", query);
            }
            json.append(",\"body_bytes\":").append(bodyBytes);
            json.append(",\"authorization_received\":").append(exchange.getRequestHeaders().containsKey("Authorization"));
            json.append(",\"cookie_received\":").append(exchange.getRequestHeaders().containsKey("Cookie"));
            // the citizen as this agency knows them: the pairwise sub of the gateway's assertion (decoded, NOT verified
            // here — a real agency verifies it against the platform's JWKS first: docs/agency-identity.md §5)
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            if (authorization != null && authorization.startsWith("Bearer ") && authorization.split("\\.").length == 3) {
                String claims = new String(java.util.Base64.getUrlDecoder().decode(authorization.split("\\.")[1]),
                        StandardCharsets.UTF_8);
                java.util.regex.Matcher sub = java.util.regex.Pattern.compile("\"sub\"\\s*:\\s*\"([^\"]+)\"").matcher(claims);
                if (sub.find()) {
                    field(json, "assertion_sub", sub.group(1));
                }
            }
            // a platform webhook (Standard Webhooks headers): say so on the console
            String webhookId = exchange.getRequestHeaders().getFirst("webhook-id");
            if (webhookId != null) {
                System.out.println("webhook " + webhookId + " received (" + bodyBytes + " bytes)");
                System.out.flush();
            }
            json.append(",\"headers\":{");
            boolean first = true;
            for (Map.Entry<String, String> header : received.entrySet()) {
                if (!first) {
                    json.append(',');
                }
                first = false;
                json.append('"').append(header.getKey()).append("\":\"").append(escape(header.getValue())).append('"');
            }
            json.append("}}\n");
            byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            if ("HEAD".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    static void field(StringBuilder json, String name, String value) {
        json.append(",\"").append(name).append("\":\"").append(escape(value)).append('"');
    }

    static String escape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
