package org.civicstack.gateway.access;

import java.net.URI;
import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * How the gateway enforces the access requirement of agency services ({@code civicstack.gateway.access.*}).
 *
 * @param issuer the {@code iss} every citizen access token must carry (identity's public issuer)
 * @param jwksUri identity's JWKS endpoint the verification keys come from
 * @param tokenUri identity's token endpoint the upstream assertions are exchanged at (RFC 8693)
 * @param clientId the gateway's platform client (the one that reads the routing table), holding {@code identity:token-exchange}
 * @param clientSecret that client's secret (never logged)
 * @param jwksRefreshInterval how often the JWKS is fetched again even when every {@code kid} is known
 * @param unknownKidRefreshInterval the least time between two fetches caused by an unknown {@code kid}
 * @param clockSkew tolerance on {@code exp} and {@code nbf}
 * @param tokenCacheSize the most verified tokens kept in memory (each until its expiry)
 * @param assertionCacheSize the most upstream assertions kept in memory, per (token, service)
 * @param assertionMargin an assertion is used until its expiry minus this margin
 * @param exchangeTimeout the longest a token exchange at identity may take before the request fails with 503
 * @param assertionRenewAhead a cached assertion used within this long of the end of its use is renewed in the
 *        background, so busy pairs never wait for an exchange
 * @param maxConcurrentExchanges the most token exchanges one gateway has waiting on identity at once; one more
 *        fails fast with 503 instead of queueing (the bulkhead that keeps a burst of cold pairs from swamping identity)
 */
@ConfigurationProperties("civicstack.gateway.access")
public record AccessProperties(String issuer, URI jwksUri, URI tokenUri, String clientId, String clientSecret,
        Duration jwksRefreshInterval, Duration unknownKidRefreshInterval, Duration clockSkew, int tokenCacheSize,
        int assertionCacheSize, Duration assertionMargin, Duration exchangeTimeout,
        Duration assertionRenewAhead, int maxConcurrentExchanges) {

    public AccessProperties {
        jwksRefreshInterval = jwksRefreshInterval == null ? Duration.ofMinutes(5) : jwksRefreshInterval;
        unknownKidRefreshInterval = unknownKidRefreshInterval == null ? Duration.ofSeconds(30) : unknownKidRefreshInterval;
        clockSkew = clockSkew == null ? Duration.ofSeconds(30) : clockSkew;
        tokenCacheSize = tokenCacheSize <= 0 ? 20_000 : tokenCacheSize;
        assertionCacheSize = assertionCacheSize <= 0 ? 20_000 : assertionCacheSize;
        assertionMargin = assertionMargin == null ? Duration.ofSeconds(10) : assertionMargin;
        exchangeTimeout = exchangeTimeout == null ? Duration.ofSeconds(3) : exchangeTimeout;
        assertionRenewAhead = assertionRenewAhead == null ? Duration.ofSeconds(30) : assertionRenewAhead;
        maxConcurrentExchanges = maxConcurrentExchanges <= 0 ? 32 : maxConcurrentExchanges;
    }

    @Override
    public String toString() {
        return "AccessProperties[issuer=" + issuer + ", jwksUri=" + jwksUri + ", tokenUri=" + tokenUri + ", clientId="
                + clientId + "]";
    }
}
