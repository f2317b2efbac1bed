package org.civicstack.gateway;

import org.springframework.http.client.reactive.ClientHttpConnector;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import reactor.netty.http.client.HttpClient;

/** HTTP clients for tests that talk to a server over a real socket. */
public final class TestClients {

    private TestClients() {
    }

    /**
     * A connector without response decompression. Spring's default connector asks for gzip and decompresses in the
     * client; Reactor Netty's client-side decompressor then leaks buffers on some responses under paranoid leak
     * detection, which would be reported against the server under test. Tests assert what the server sends, so they
     * read it as sent.
     */
    public static ClientHttpConnector uncompressed() {
        return new ReactorClientHttpConnector(HttpClient.create().compress(false));
    }
}
