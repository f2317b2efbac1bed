package org.civicstack.identity.clients.assertion;

import java.net.URI;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import org.civicstack.identity.clients.PlatformClientSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.oauth2.server.authorization.client.RegisteredClient;

/**
 * The public keys a client signs its assertions with: the JWK set stored with the client (inline), or the one it
 * publishes at its JWKS URI, cached for {@link ClientAssertionProperties#jwksCacheTtl()}. An assertion naming a
 * {@code kid} the cached set lacks triggers one refetch, at most once per
 * {@link ClientAssertionProperties#jwksRefetchInterval()} per URI (so rotating a key works at once, and a flood of
 * made-up kids does not turn identity into a load generator against the agency's host); a failed fetch is retried
 * no sooner than that interval either, and meanwhile the last good set is used.
 */
public class ClientKeys {

    private static final Logger log = LoggerFactory.getLogger(ClientKeys.class);

    private final JwksFetcher fetcher;
    private final ClientAssertionProperties properties;
    private final Clock clock;
    private final Map<URI, Cached> cache = new ConcurrentHashMap<>();

    public ClientKeys(JwksFetcher fetcher, ClientAssertionProperties properties, Clock clock) {
        this.fetcher = fetcher;
        this.properties = properties;
        this.clock = clock;
    }

    /**
     * @param lastAttempt the last fetch, successful or not (failed fetches are retried only after the interval)
     * @param lastKidRefetch the last fetch caused by an unknown {@code kid}, or {@code null}
     */
    private record Cached(JWKSet keys, Instant fetchedAt, Instant lastAttempt, Instant lastKidRefetch) {
    }

    /**
     * The client's keys that match the assertion's header (key type, {@code kid}, algorithm, use).
     *
     * @throws JwksFetchException when the client's keys cannot be had
     */
    public List<JWK> candidates(RegisteredClient client, JWSHeader header) {
        JWKMatcher matcher = JWKMatcher.forJWSHeader(header);
        if (matcher == null) {
            return List.of();
        }
        JWKSelector selector = new JWKSelector(matcher);
        Optional<String> inline = PlatformClientSettings.jwks(client);
        if (inline.isPresent()) {
            try {
                return selector.select(JWKSet.parse(inline.get()).toPublicJWKSet());
            } catch (ParseException e) {
                throw new JwksFetchException("the stored JWK set of the client is unreadable");
            }
        }
        String url = client.getClientSettings().getJwkSetUrl();
        if (url == null || url.isBlank()) {
            return List.of();
        }
        URI uri = URI.create(url);
        Instant now = clock.instant();
        Cached cached = cache.get(uri);
        if (cached == null || now.isAfter(cached.fetchedAt().plus(properties.jwksCacheTtl()))) {
            cached = refresh(uri, cached, now, false);
        }
        List<JWK> keys = selector.select(cached.keys());
        if (keys.isEmpty() && header.getKeyID() != null && (cached.lastKidRefetch() == null
                || !now.isBefore(cached.lastKidRefetch().plus(properties.jwksRefetchInterval())))) {
            cached = refresh(uri, cached, now, true);
            keys = selector.select(cached.keys());
        }
        return keys;
    }

    /** Fetches again; keeps a stale set when the agency's host fails (and says so), fails when there is none. */
    private Cached refresh(URI uri, Cached previous, Instant now, boolean forUnknownKid) {
        if (!forUnknownKid && previous != null
                && now.isBefore(previous.lastAttempt().plus(properties.jwksRefetchInterval()))) {
            return previous;
        }
        Instant kidRefetch = forUnknownKid ? now : previous == null ? null : previous.lastKidRefetch();
        try {
            Cached fresh = new Cached(fetcher.fetch(uri), now, now, kidRefetch);
            cache.put(uri, fresh);
            return fresh;
        } catch (JwksFetchException e) {
            if (previous == null) {
                throw e;
            }
            log.warn("JWKS refetch from {} failed ({}); using the keys fetched at {}", uri.getHost(), e.getMessage(),
                    previous.fetchedAt());
            Cached stale = new Cached(previous.keys(), previous.fetchedAt(), now, kidRefetch);
            cache.put(uri, stale);
            return stale;
        }
    }
}
