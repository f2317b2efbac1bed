// Baseline for ADR 0005: the bare Reactor Netty HttpServer -> HttpClient proxy (no rules, no limits, no records).
// Not part of the product; see README.md next to this file for how it was run.
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import io.netty.handler.codec.http.*;
import reactor.core.publisher.Mono;

public class RnProxy {
    public static void main(String[] a) throws Exception {
        int port = Integer.parseInt(a[0]); String up = a[1];
        HttpClient client = HttpClient.create(ConnectionProvider.builder("p").maxConnections(500).build())
            .baseUrl(up).followRedirect(false);
        HttpServer.create().host("127.0.0.1").port(port)
            .handle((req, res) -> client
                .headers(h -> { h.add(req.requestHeaders()); h.remove(HttpHeaderNames.HOST); h.set("X-Forwarded-For","1.2.3.4"); })
                .request(req.method()).uri(req.uri())
                .send(req.receive().retain())
                .response((cres, body) -> { res.status(cres.status()); res.headers(cres.responseHeaders()); return res.send(body.retain()); }))
            .bindNow().onDispose().block();
    }
}
