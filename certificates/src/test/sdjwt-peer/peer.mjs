// The independent SD-JWT VC peer for certificates' SdJwtInteropIT (the @sd-jwt TypeScript libraries, 0.19.0).
// Reads one JSON request on stdin, writes one JSON answer on stdout:
//   (a) verifies the Java-issued presentation (issuer signature, disclosures, KB-JWT with nonce, aud, sd_hash) and its
//       status through the Java-built Status List Token; also a revoked one and a replay with another nonce, which must fail;
//   (b) issues its own SD-JWT VC, presentation with KB-JWT and Status List Token for Java to verify.
import { SDJwtVcInstance } from '@sd-jwt/sd-jwt-vc';
import { Jwt } from '@sd-jwt/core';
import { ES256, digest, generateSalt } from '@sd-jwt/crypto-nodejs';
import { StatusList, createHeaderAndPayload, getListFromStatusListJWT } from '@sd-jwt/jwt-status-list';

const readStdin = async () => {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
};

const decodePart = (jwt, i) => JSON.parse(Buffer.from(jwt.split('.')[i], 'base64url').toString('utf8'));

// An issuer verifier that picks the key by the kid of the JWT being verified (the library passes only data + signature).
const jwksVerifier = (jwks) => async (data, signature) => {
  const header = JSON.parse(Buffer.from(data.split('.')[0], 'base64url').toString('utf8'));
  const key = jwks.keys.find((k) => k.kid === header.kid);
  if (!key || header.alg !== 'ES256') return false;
  return (await ES256.getVerifier(key))(data, signature);
};
const kbVerifier = async (data, signature, payload) => (await ES256.getVerifier(payload.cnf.jwk))(data, signature);

async function verifyJava(req) {
  const statusLists = new Map([[req.status_list_uri, req.status_list_token]]);
  const verifierFor = () => new SDJwtVcInstance({
    hasher: digest,
    hashAlg: 'sha-256',
    verifier: jwksVerifier(req.issuer_jwks),
    kbVerifier,
    statusListFetcher: async (uri) => {
      if (!statusLists.has(uri)) throw new Error(`no status list ${uri}`);
      return statusLists.get(uri);
    },
  });
  const attempt = async (presentation, nonce) => {
    try {
      const result = await verifierFor().verify(presentation, { keyBindingNonce: nonce });
      if (!result.kb) throw new Error('no key binding verified');
      if (result.kb.payload.aud !== req.audience) throw new Error(`wrong aud ${result.kb.payload.aud}`);
      return { verified: true, header: result.header, payload: result.payload, kb: result.kb };
    } catch (e) {
      return { verified: false, error: String(e.message ?? e) };
    }
  };
  const list = getListFromStatusListJWT(req.status_list_token);
  const statuses = [];
  for (let i = 0; i < 16; i++) statuses.push(list.getStatus(i));
  return {
    presentation: await attempt(req.presentation, req.nonce),
    revoked: await attempt(req.revoked_presentation, req.nonce),
    replayed: await attempt(req.presentation, 'not-the-nonce'),
    status_list: {
      header: decodePart(req.status_list_token, 0),
      payload: decodePart(req.status_list_token, 1),
      bits: list.getBitsPerStatus(),
      first_statuses: statuses,
    },
  };
}

async function issueOwn(req) {
  const now = Math.floor(Date.now() / 1000);
  const issuerKeys = await ES256.generateKeyPair();
  const holderKeys = await ES256.generateKeyPair();
  const kid = 'npm-issuer-1';
  const issuerPublic = { ...issuerKeys.publicKey, kid, alg: 'ES256', use: 'sig' };
  const statusUri = 'https://npm-issuer.example/status-lists/1';

  const sdjwt = new SDJwtVcInstance({
    signer: await ES256.getSigner(issuerKeys.privateKey),
    signAlg: 'ES256',
    hasher: digest,
    hashAlg: 'sha-256',
    saltGenerator: generateSalt,
    kbSigner: await ES256.getSigner(holderKeys.privateKey),
    kbSignAlg: 'ES256',
  });
  const credential = await sdjwt.issue(
    {
      iss: req.npm_issuer,
      vct: 'https://credentials.civicstack.example/resident-permit',
      iat: now,
      exp: now + 3600,
      cnf: { jwk: holderKeys.publicKey },
      status: { status_list: { idx: 5, uri: statusUri } },
      given_name: 'Mei',
      family_name: 'Chen',
      birthdate: '1985-05-05',
      address: { locality: 'Shenzhen', district: 'Nanshan' },
    },
    { _sd: ['given_name', 'family_name', 'birthdate', 'address'] },
    { header: { kid } },
  );
  const presentation = await sdjwt.present(
    credential,
    { given_name: true, address: true },
    { kb: { payload: { iat: now, aud: req.audience, nonce: req.nonce } } },
  );

  const list = new StatusList(new Array(64).fill(0), 2);
  list.setStatus(9, 1);
  list.setStatus(10, 2);
  const { header, payload } = createHeaderAndPayload(
    list,
    { sub: statusUri, iat: now, exp: now + 3600, ttl: 600 },
    { alg: 'ES256', typ: 'statuslist+jwt', kid },
  );
  const statusToken = await new Jwt({ header, payload }).sign(await ES256.getSigner(issuerKeys.privateKey));

  return {
    issuer: req.npm_issuer,
    issuer_jwks: { keys: [issuerPublic] },
    credential,
    presentation,
    audience: req.audience,
    nonce: req.nonce,
    status_list_uri: statusUri,
    status_list_token: statusToken,
  };
}

const req = await readStdin();
const answer = { java: await verifyJava(req), npm: await issueOwn(req) };
process.stdout.write(JSON.stringify(answer) + '\n');
