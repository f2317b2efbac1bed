package org.civicstack.identity.keys;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * {@code GET /oauth2/jwks} from the {@link SigningKeyRing}: every published key, public halves only, as
 * {@code application/jwk-set+json} (RFC 7517 §8.5) in UTF-8 bytes. Spring Authorization Server's own JWKS filter
 * writes through the servlet writer without a charset, which Tomcat labels {@code charset=ISO-8859-1}; this filter
 * runs before the security chain and answers first. The JWK set is public (RFC 8414 {@code jwks_uri}), like the
 * endpoint it replaces. Other methods on the path fall through (and are refused as before).
 */
public class JwksEndpointFilter extends OncePerRequestFilter {

    /** The RFC 7517 §8.5 media type. */
    public static final String JWK_SET_MEDIA_TYPE = "application/jwk-set+json";

    private final String path;
    private final SigningKeyRing ring;

    public JwksEndpointFilter(String path, SigningKeyRing ring) {
        this.path = path;
        this.ring = ring;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String method = request.getMethod();
        return !("GET".equals(method) || "HEAD".equals(method))
                || !path.equals(request.getRequestURI().substring(request.getContextPath().length()));
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        byte[] body = ring.publicJwkSet().toString().getBytes(StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(JWK_SET_MEDIA_TYPE);
        response.setContentLength(body.length);
        response.setHeader("X-Content-Type-Options", "nosniff");
        if (!"HEAD".equals(request.getMethod())) {
            response.getOutputStream().write(body);
        }
    }
}
