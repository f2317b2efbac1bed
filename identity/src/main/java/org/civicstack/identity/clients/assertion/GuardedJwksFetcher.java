package org.civicstack.identity.clients.assertion;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.jwk.JWKSet;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.util.Timeout;
import org.civicstack.platform.net.HostResolver;
import org.civicstack.platform.net.UnsafeUpstreamException;
import org.civicstack.platform.net.UpstreamAddressGuard;
import org.civicstack.platform.net.UpstreamUrl;
import org.civicstack.platform.net.UpstreamUrlPolicy;

/**
 * Fetches an agency's JWK set under the same network policy as agency upstreams ({@code civicstack.upstream-network.*}):
 * the URL is parsed strictly and its host resolved <em>once</em>; every address must pass the
 * {@link UpstreamAddressGuard}, and the connection goes to exactly those addresses (the HTTP client's DNS resolver
 * answers only what was checked, so a second, rebinding DNS answer is never used). Redirects are not followed (a
 * redirect is a new, unchecked URL), there are connect and read timeouts, and a document over the size limit is
 * refused before it is parsed. Private keys in a fetched set are dropped: only public halves are kept.
 */
public final class GuardedJwksFetcher implements JwksFetcher {

    private final UpstreamAddressGuard guard;
    private final HostResolver resolver;
    private final ClientAssertionProperties properties;

    public GuardedJwksFetcher(UpstreamAddressGuard guard, HostResolver resolver, ClientAssertionProperties properties) {
        this.guard = guard;
        this.resolver = resolver;
        this.properties = properties;
    }

    /**
     * Checks a JWKS URI as registration does: strict syntax, allowed port, every address of the host allowed.
     *
     * @throws UnsafeUpstreamException with the reason
     */
    public UpstreamUrl check(URI uri) {
        return new UpstreamUrlPolicy(guard, resolver).validate(uri.toString());
    }

    @Override
    public JWKSet fetch(URI uri) {
        Map<String, List<InetAddress>> checked = new ConcurrentHashMap<>();
        UpstreamUrl url;
        try {
            url = new UpstreamUrlPolicy(guard, host -> {
                List<InetAddress> addresses = resolver.resolve(host);
                checked.put(host, addresses);
                return addresses;
            }).validate(uri.toString());
        } catch (UnsafeUpstreamException e) {
            throw new JwksFetchException("JWKS URI refused by the network policy: " + e.getMessage());
        }
        DnsResolver pinned = new PinnedResolver(url, checked);
        Timeout connect = Timeout.of(properties.jwksConnectTimeout());
        Timeout read = Timeout.of(properties.jwksReadTimeout());
        try (CloseableHttpClient http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setDnsResolver(pinned)
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(connect)
                                .setSocketTimeout(read).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(read)
                        .setConnectionRequestTimeout(connect).setRedirectsEnabled(false).build())
                .disableRedirectHandling()
                .disableAutomaticRetries()
                .disableCookieManagement()
                .disableAuthCaching()
                .build()) {
            HttpGet get = new HttpGet(url.toUri());
            get.setHeader("Accept", "application/jwk-set+json, application/json");
            return http.execute(get, response -> {
                if (response.getCode() != 200) {
                    throw new JwksFetchException("JWKS URI answered HTTP " + response.getCode()
                            + (response.getCode() / 100 == 3 ? " (redirects are not followed)" : ""));
                }
                return parse(response.getEntity());
            });
        } catch (JwksFetchException e) {
            throw e;
        } catch (IOException e) {
            throw new JwksFetchException("JWKS URI could not be fetched: " + e.getClass().getSimpleName(), e);
        }
    }

    private JWKSet parse(HttpEntity entity) throws IOException {
        if (entity == null) {
            throw new JwksFetchException("JWKS URI answered without a body");
        }
        int limit = properties.jwksMaxBytes();
        if (entity.getContentLength() > limit) {
            throw new JwksFetchException("JWK set is larger than " + limit + " bytes");
        }
        byte[] body;
        try (InputStream in = entity.getContent()) {
            body = in.readNBytes(limit + 1);
        }
        if (body.length > limit) {
            throw new JwksFetchException("JWK set is larger than " + limit + " bytes");
        }
        try {
            return JWKSet.parse(new String(body, StandardCharsets.UTF_8)).toPublicJWKSet();
        } catch (ParseException e) {
            throw new JwksFetchException("JWKS URI did not answer a JWK set");
        }
    }

    /** Answers only the addresses the policy checked for this URL's host and port. */
    private static final class PinnedResolver implements DnsResolver {

        private final UpstreamUrl url;
        private final Map<String, List<InetAddress>> checked;

        PinnedResolver(UpstreamUrl url, Map<String, List<InetAddress>> checked) {
            this.url = url;
            this.checked = checked;
        }

        @Override
        public InetAddress[] resolve(String host) throws UnknownHostException {
            return addresses(host).toArray(InetAddress[]::new);
        }

        @Override
        public List<InetSocketAddress> resolve(String host, int port) throws UnknownHostException {
            if (port != url.port() && port > 0) {
                throw new UnknownHostException("not the checked port");
            }
            return addresses(host).stream().map(address -> new InetSocketAddress(address, url.port())).toList();
        }

        @Override
        public String resolveCanonicalHostname(String host) throws UnknownHostException {
            return host;
        }

        private List<InetAddress> addresses(String host) throws UnknownHostException {
            String wanted = url.host();
            String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
            String wantedBare = wanted.startsWith("[") && wanted.endsWith("]")
                    ? wanted.substring(1, wanted.length() - 1) : wanted;
            if (!bare.equalsIgnoreCase(wantedBare)) {
                throw new UnknownHostException("not the checked host");
            }
            if (url.isIpLiteral()) {
                // an IP literal, checked by the policy: no lookup happens for a literal
                return List.of(InetAddress.getByName(wantedBare));
            }
            List<InetAddress> addresses = checked.get(wanted);
            if (addresses == null || addresses.isEmpty()) {
                throw new UnknownHostException("host was not checked");
            }
            return addresses;
        }
    }
}
