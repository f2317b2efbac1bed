package org.civicstack.certificates.status;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.civicstack.certificates.CertificatesProperties;
import org.civicstack.certificates.keys.CredentialSigningKeys;
import org.civicstack.platform.error.ApiProblem;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * What a verifier needs to check credentials without calling us per credential (docs/certificates.md, "Offline
 * verification"): the issuers' JWKS and the status lists, public and cacheable. Every issuing agency signs under the
 * platform's key, so each issuer's JWKS is the platform's.
 */
@RestController
@Tag(name = "publication", description = "Public keys and status lists for online and offline verification")
public class PublicationController {

    private static final Pattern AGENCY = Pattern.compile("agy_[A-Za-z0-9_-]{1,96}");

    private final CredentialSigningKeys keys;
    private final StatusLists statusLists;
    private final CertificatesProperties properties;

    public PublicationController(CredentialSigningKeys keys, StatusLists statusLists, CertificatesProperties properties) {
        this.keys = keys;
        this.statusLists = statusLists;
        this.properties = properties;
    }

    @GetMapping(path = "/v1/certificates/jwks.json", produces = "application/jwk-set+json")
    @Operation(operationId = "credentialJwks", summary = "The credential signing keys (current and not yet retired)")
    public ResponseEntity<Map<String, Object>> jwks() {
        return ResponseEntity.ok().cacheControl(CacheControl.maxAge(Duration.ofMinutes(5)).cachePublic())
                .contentType(MediaType.parseMediaType("application/jwk-set+json"))
                .body(keys.verificationKeys().toJSONObject(true));
    }

    @GetMapping(path = "/v1/certificates/issuers/{agency}", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(operationId = "issuerMetadata", summary = "An issuer's JWT VC issuer metadata: its identifier and keys")
    public Map<String, Object> issuer(@PathVariable String agency) {
        if (!AGENCY.matcher(agency).matches()) {
            throw ApiProblem.notFound("unknown_issuer", "No issuer " + agency + ".");
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("issuer", properties.base() + "/v1/certificates/issuers/" + agency);
        out.put("jwks_uri", properties.base() + "/v1/certificates/jwks.json");
        out.put("jwks", keys.verificationKeys().toJSONObject(true));
        return out;
    }

    @GetMapping(path = "/v1/certificates/status-lists/{id}")
    @Operation(operationId = "statusList", summary = "A Token Status List (application/statuslist+jwt), cacheable for its ttl")
    public Mono<ResponseEntity<String>> statusList(@PathVariable String id,
            @RequestHeader(name = "If-None-Match", required = false) String ifNoneMatch) {
        return statusLists.token(id)
                .map(published -> {
                    String etag = "\"" + id + "-" + published.version() + "\"";
                    var builder = ResponseEntity.ok().eTag(etag)
                            .cacheControl(CacheControl.maxAge(properties.statusListTtl()).cachePublic());
                    if (etag.equals(ifNoneMatch)) {
                        return ResponseEntity.status(304).eTag(etag)
                                .cacheControl(CacheControl.maxAge(properties.statusListTtl()).cachePublic())
                                .<String>build();
                    }
                    return builder.contentType(MediaType.parseMediaType(StatusLists.MEDIA_TYPE)).body(published.jwt());
                })
                .switchIfEmpty(Mono.error(ApiProblem.notFound("unknown_status_list", "No status list " + id + ".")));
    }
}
