-- Client-credentials access tokens (org.civicstack.identity.authorization.ClientCredentialsTokens), one narrow row
-- each instead of Spring Authorization Server's oauth2_authorization row (~2.1 KB: the whole JWT, its claims as
-- JSON, empty columns for codes and refresh tokens). The token itself is not kept: it is a signed JWT, so a
-- lookup (introspection, revocation) hashes the presented token and reads its claims from the token once the hash
-- matched. What the row adds to the JWT is its state: whether the token was revoked (invalidated), and that it was
-- issued here at all. Looked up by the token only (nothing asks for a client-credentials authorization by
-- its id). Rows past expires_at are purged.
CREATE TABLE client_credentials_token (
    token_hash           bytea         PRIMARY KEY,   -- SHA-256 of the token's compact serialisation
    id                   varchar(100)  NOT NULL,      -- the authorization id the library gave it (not looked up)
    registered_client_id varchar(100)  NOT NULL,
    principal_name       varchar(200)  NOT NULL,
    token_type           varchar(20)   NOT NULL,      -- Bearer or DPoP
    scopes               varchar(1000) NOT NULL,      -- space-separated, as authorized
    issued_at            timestamptz   NOT NULL,
    expires_at           timestamptz   NOT NULL,
    invalidated          boolean       NOT NULL DEFAULT false
);
