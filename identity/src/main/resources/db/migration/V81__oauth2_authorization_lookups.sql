-- Every lookup of oauth2_authorization has an index, so none of them reads the whole table as it grows (one row per
-- citizen login and per authorization request). Before this only the access and refresh token values had one, and
--   * redeeming an authorization code (every login)            authorization_code_value = ?
--   * RP-initiated logout with an id_token_hint (unauthenticated) oidc_id_token_value = ?
--   * introspection or revocation without a token_type_hint     state = ? OR authorization_code_value = ? OR ...
--     (Spring Authorization Server asks all seven columns at once; a bitmap OR needs an index on each)
--   * ending a session (logout, reuse, revocation): its family   principal_name = ?
-- scanned the table. Hash indexes for the token values (equality only, values too long for comfortable b-tree
-- entries; NULLs are not indexed, so the columns that stay empty cost nothing), a b-tree for the principal.
CREATE INDEX oauth2_authorization_authorization_code ON oauth2_authorization USING hash (authorization_code_value);
CREATE INDEX oauth2_authorization_oidc_id_token ON oauth2_authorization USING hash (oidc_id_token_value);
CREATE INDEX oauth2_authorization_state ON oauth2_authorization USING hash (state);
CREATE INDEX oauth2_authorization_user_code ON oauth2_authorization USING hash (user_code_value);
CREATE INDEX oauth2_authorization_device_code ON oauth2_authorization USING hash (device_code_value);
CREATE INDEX oauth2_authorization_principal ON oauth2_authorization (principal_name);
