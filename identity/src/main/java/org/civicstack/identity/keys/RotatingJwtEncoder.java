package org.civicstack.identity.keys;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Signature;
import java.security.spec.MGF1ParameterSpec;
import java.security.spec.PSSParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTClaimsSet;
import org.civicstack.platform.security.jose.Ed25519;
import org.springframework.security.oauth2.jwt.JwsHeader;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimsSet;
import org.springframework.security.oauth2.jwt.JwtEncoder;
import org.springframework.security.oauth2.jwt.JwtEncoderParameters;
import org.springframework.security.oauth2.jwt.JwtEncodingException;

/**
 * The one {@link JwtEncoder} of identity (Spring Authorization Server picks it up for access and ID tokens; token
 * exchange assertions use it too). The caller names the {@link KeySeries} by the algorithm it puts in the header:
 * {@code EdDSA} for access and ID tokens, {@code PS256} for agency assertions; any other algorithm, or none, is
 * refused. The encoder signs with the key of that series that signs now ({@link SigningKeyRing}) and writes its
 * {@code kid} into the header, so during a rotation, when two keys of a series are published, no caller needs to
 * know which key is current. {@code typ} and {@code cty} are kept; any other header member is refused (no caller
 * sets one, and a silently dropped {@code crit} or {@code jku} would be worse).
 *
 * <p>Signatures: Ed25519 through {@link Ed25519#DEFAULT} (native AWS-LC where it loads, ~20 µs); RSASSA-PSS with
 * SHA-256, MGF1-SHA-256 and a 32-byte salt (RFC 7518 §3.5, as Nimbus's {@code RSASSASigner}), ~0.7 ms.
 *
 * <p>Why not Spring's {@code NimbusJwtEncoder}: it has no EdDSA, and it encodes the header, the claims and the
 * signature with Nimbus's constant-time Base64, which is meant for secrets and cost 12–17 % of identity's CPU per
 * token under load (bench/identity-tokens/README.md). Here the public parts go through the JDK's Base64; the
 * claims are still serialised by Nimbus ({@link JWTClaimsSet}, so the JSON is the same).
 */
public class RotatingJwtEncoder implements JwtEncoder {

    private static final Base64.Encoder BASE64URL = Base64.getUrlEncoder().withoutPadding();
    private static final PSSParameterSpec PS256 = new PSSParameterSpec("SHA-256", "MGF1", MGF1ParameterSpec.SHA256, 32, 1);
    private static final Set<String> KEPT_HEADERS = Set.of("alg", "kid", "typ", "cty");

    private final SigningKeyRing ring;

    public RotatingJwtEncoder(SigningKeyRing ring) {
        this.ring = ring;
    }

    @Override
    public Jwt encode(JwtEncoderParameters parameters) {
        JwsHeader requested = parameters.getJwsHeader();
        KeySeries series = requested == null || requested.getAlgorithm() == null ? null
                : KeySeries.ofAlgorithm(requested.getAlgorithm().getName());
        if (series == null) {
            throw new JwtEncodingException("cannot sign with "
                    + (requested == null ? "no algorithm" : requested.getAlgorithm()) + ": identity signs EdDSA or PS256");
        }
        for (String name : requested.getHeaders().keySet()) {
            if (!KEPT_HEADERS.contains(name)) {
                throw new JwtEncodingException("unsupported JWS header member: " + name);
            }
        }
        ActiveSigningKey key = ring.current(series);
        JWSHeader.Builder header = new JWSHeader.Builder(series.algorithm()).keyID(key.kid());
        if (requested.getType() != null) {
            header.type(new JOSEObjectType(requested.getType()));
        }
        if (requested.getContentType() != null) {
            header.contentType(requested.getContentType());
        }
        Map<String, Object> headers = new LinkedHashMap<>(header.build().toJSONObject());
        JwtClaimsSet claims = parameters.getClaims();
        String signingInput = base64Url(JSONObjectUtils.toJSONString(headers)) + '.'
                + base64Url(convert(claims).toString());
        String token = signingInput + '.' + BASE64URL.encodeToString(sign(key, signingInput));
        headers.put("alg", series.jwsAlgorithm());
        return new Jwt(token, claims.getIssuedAt(), claims.getExpiresAt(), headers, claims.getClaims());
    }

    private static String base64Url(String json) {
        return BASE64URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] sign(ActiveSigningKey key, String signingInput) {
        byte[] input = signingInput.getBytes(StandardCharsets.US_ASCII);
        try {
            return switch (key.series()) {
                case TOKENS -> Ed25519.DEFAULT.sign(key.privateKey(), input);
                case AGENCY_ASSERTIONS -> {
                    Signature signature = Signature.getInstance("RSASSA-PSS");
                    signature.setParameter(PS256);
                    signature.initSign(key.privateKey());
                    signature.update(input);
                    yield signature.sign();
                }
            };
        } catch (GeneralSecurityException e) {
            throw new JwtEncodingException("cannot sign with key " + key.kid() + ": " + e.getMessage(), e);
        }
    }
    /** Spring's claims as Nimbus's, as {@code NimbusJwtEncoder} converts them (times in seconds, audience as given). */
    private static JWTClaimsSet convert(JwtClaimsSet claims) {
        JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder();
        claims.getClaims().forEach((name, value) -> {
            switch (name) {
                case JwtClaimNames.ISS -> builder.issuer(value.toString());
                case JwtClaimNames.SUB -> builder.subject(value.toString());
                case JwtClaimNames.AUD -> {
                    if (!claims.getAudience().isEmpty()) {
                        builder.audience(claims.getAudience());
                    }
                }
                case JwtClaimNames.EXP -> builder.expirationTime(date(claims.getExpiresAt()));
                case JwtClaimNames.NBF -> builder.notBeforeTime(date(claims.getNotBefore()));
                case JwtClaimNames.IAT -> builder.issueTime(date(claims.getIssuedAt()));
                case JwtClaimNames.JTI -> builder.jwtID(value.toString());
                default -> builder.claim(name, value instanceof Instant instant ? date(instant) : value);
            }
        });
        return builder.build();
    }

    private static Date date(Instant instant) {
        return instant == null ? null : Date.from(instant);
    }
}
