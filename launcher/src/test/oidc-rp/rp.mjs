// An independent OpenID Connect relying party: openid-client (a certified RP library) against CivicStack.
// Driven by OidcRelyingPartyIT, which plays the citizen in the hosted login page. Protocol on stdio, one JSON
// object per line:
//   argv: issuer clientId redirectUri scope
//   out:  {"step":"authorize","url":"<authorization URL built by openid-client>"}
//   in:   {"callback":"<the redirect URL the login ended at, with code and state>"}
//   out:  {"step":"done", ...what the library validated and received}   (exit 0)
//   out:  {"step":"failed","error":"...","cause":...}                  (exit 1)
// openid-client itself checks discovery (issuer match), state, PKCE, the ID token (signature with
// enableNonRepudiationChecks, iss, aud, exp, nonce, iat) and the userinfo subject; the IT asserts the rest.
import * as client from 'openid-client';
import { createInterface } from 'node:readline';

const [issuer, clientId, redirectUri, scope] = process.argv.slice(2);
const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
const say = (object) => process.stdout.write(JSON.stringify(object) + '\n');

async function readJson() {
  const { value, done } = await lines.next();
  if (done) throw new Error('stdin closed before the callback arrived');
  return JSON.parse(value);
}

function describe(error) {
  return { error: String(error?.message ?? error), code: error?.code, oauth_error: error?.error,
    status: error?.status, cause: error?.cause ? String(error.cause?.message ?? error.cause) : undefined };
}

try {
  const config = await client.discovery(new URL(issuer), clientId, { redirect_uris: [redirectUri] }, client.None(),
    { execute: [client.allowInsecureRequests, client.enableNonRepudiationChecks] });
  const server = config.serverMetadata();
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri, scope, state, nonce,
    code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
  say({ step: 'authorize', url: url.href });

  const { callback } = await readJson();
  const tokens = await client.authorizationCodeGrant(config, new URL(callback),
    { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
  const idToken = tokens.claims();
  const userinfo = await client.fetchUserInfo(config, tokens.access_token, idToken.sub);

  const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token);
  const refreshedIdToken = refreshed.claims();
  let reuse;
  try {
    await client.refreshTokenGrant(config, tokens.refresh_token);
    reuse = { accepted: true };
  } catch (error) {
    reuse = { accepted: false, ...describe(error) };
  }
  let afterReuse;
  try {
    await client.refreshTokenGrant(config, refreshed.refresh_token);
    afterReuse = { accepted: true };
  } catch (error) {
    afterReuse = { accepted: false, ...describe(error) };
  }
  say({
    step: 'done',
    discovery: { issuer: server.issuer, code_challenge_methods_supported: server.code_challenge_methods_supported,
      id_token_signing_alg_values_supported: server.id_token_signing_alg_values_supported },
    token_type: tokens.token_type, expires_in: tokens.expiresIn(), scope: tokens.scope,
    has_refresh_token: typeof tokens.refresh_token === 'string',
    id_token: idToken, userinfo,
    refresh: { rotated: refreshed.refresh_token !== tokens.refresh_token, new_access_token: refreshed.access_token !== tokens.access_token,
      id_token_sub: refreshedIdToken?.sub },
    reuse, after_reuse: afterReuse,
  });
  process.exit(0);
} catch (error) {
  say({ step: 'failed', ...describe(error) });
  process.exit(1);
}
