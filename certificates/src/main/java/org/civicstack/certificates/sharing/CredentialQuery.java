package org.civicstack.certificates.sharing;

import java.util.List;

/**
 * One credential a presentation request asks for: a DCQL credential query ({@code id}, {@code format: dc+sd-jwt},
 * {@code meta.vct_values}, {@code claims[].path}) reduced to what we support: one type and top-level claims.
 *
 * @param id     the query's id: the key of the presentation in the answer ({@code vp_token})
 * @param type   the credential type id
 * @param claims names of the claims asked for
 */
public record CredentialQuery(String id, String type, List<String> claims) {

    public CredentialQuery {
        claims = List.copyOf(claims);
    }
}
