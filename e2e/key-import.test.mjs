// Key Import API through the official FusionAuth TypeScript client: an RSA
// key made outside authcore, with its self-signed certificate and a kid of
// its own (fixtures/, as a team moving from FusionAuth brings it), is
// imported with importKey; retrieveKey and retrieveJsonWebKeySet show it
// under that kid, and a token its private key signed outside authcore
// (Node's crypto) validates with validateJWT.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { X509Certificate, createPrivateKey, createPublicKey, randomUUID, sign } from 'node:crypto';
import { newClient, expectFailure, assertOK } from './helpers.mjs';

const client = newClient();
const certificate = readFileSync(new URL('./fixtures/legacy-rsa-certificate.pem', import.meta.url), 'utf8');
const privateKey = createPrivateKey(readFileSync(new URL('./fixtures/legacy-rsa-private-key.pem', import.meta.url), 'utf8'));
const x509 = new X509Certificate(certificate);

// The server is shared by every file: ids and kids are this run's own.
const keyId = randomUUID();
const kid = `legacy-${randomUUID()}`;

/** An RS256 JWT signed outside authcore, with kid in its header. */
function signRS256(claims) {
  const part = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const input = `${part({ alg: 'RS256', typ: 'JWT', kid })}.${part(claims)}`;
  return `${input}.${sign('sha256', Buffer.from(input), privateKey).toString('base64url')}`;
}

test('importKey: an RS256 certificate with its own kid; retrieveKey and the JWKS show it', async () => {
  const res = await client.importKey(keyId, {
    key: { algorithm: 'RS256', certificate, kid, name: 'e2e imported from FusionAuth', type: 'RSA' },
  });
  assertOK(res);
  const k = res.response.key;
  assert.equal(k.id, keyId);
  assert.equal(k.kid, kid);
  assert.equal(k.algorithm, 'RS256');
  assert.equal(k.type, 'RSA');
  assert.equal(k.length, 2048);
  assert.equal(k.certificate, certificate);
  assert.equal(k.publicKey, x509.publicKey.export({ type: 'spki', format: 'pem' }));
  assert.equal(k.certificateInformation.sha256Fingerprint, x509.fingerprint256);
  assert.equal(k.certificateInformation.subject, 'CN=legacy.example.com');
  assert.equal(k.issuer, 'legacy.example.com');
  assert.equal(k.hasPrivateKey, undefined, 'no private key was imported');
  assert.equal(k.privateKey, undefined);
  assert.equal(k.secret, undefined);

  const again = await client.retrieveKey(keyId);
  assertOK(again);
  assert.deepEqual(again.response.key, k);

  const jwks = await newClient('not-a-valid-key').retrieveJsonWebKeySet();
  assertOK(jwks);
  const jwk = jwks.response.keys.find((j) => j.kid === kid);
  assert.ok(jwk, `the JWKS has kid ${kid}`);
  assert.equal(jwk.alg, 'RS256');
  assert.equal(jwk.kty, 'RSA');
  assert.equal(jwk.use, 'sig');
  assert.deepEqual(jwk.x5c, [x509.raw.toString('base64')], 'x5c is the imported certificate');
  assert.equal(createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }), k.publicKey);
  assert.equal(jwks.response.keys.find((j) => j.kid === keyId), undefined, 'published under its kid, not its id');

  const pk = await client.retrieveJWTPublicKey(kid);
  assertOK(pk);
  assert.equal(pk.response.publicKey, k.publicKey);
});

test('validateJWT takes a token the imported key signed before the move; the key cannot sign here', async () => {
  const now = Math.floor(Date.now() / 1000);
  const sub = randomUUID();
  const token = signRS256({ sub, iss: 'legacy.example.com', iat: now, exp: now + 600 });
  const res = await client.validateJWT(token);
  assertOK(res);
  assert.equal(res.response.jwt.sub, sub);

  // Without its private key the key only verifies: vending with it is refused.
  const err = await expectFailure(client.vendJWT({ keyId, claims: { sub } }), 400);
  assert.equal(err.exception.fieldErrors.keyId[0].code, '[invalid]keyId');
});

test('importKey refusals: a kid or an id already taken, a public key that is no key, no API key', async () => {
  let err = await expectFailure(client.importKey(undefined, { key: { algorithm: 'RS256', certificate, kid, name: 'again' } }), 400);
  assert.equal(err.exception.fieldErrors['key.kid'][0].code, '[duplicate]key.kid');
  err = await expectFailure(client.importKey(keyId, { key: { algorithm: 'RS256', certificate, kid: `${kid}-2`, name: 'again' } }), 400);
  assert.equal(err.exception.fieldErrors.keyId[0].code, '[duplicate]keyId');
  err = await expectFailure(client.importKey(undefined, {
    key: { algorithm: 'RS256', certificate, publicKey: '-----BEGIN PUBLIC KEY-----\nnot a key\n-----END PUBLIC KEY-----\n', name: 'bad' },
  }), 400);
  assert.equal(err.exception.fieldErrors['key.publicKey'][0].code, '[invalid]key.publicKey');
  await expectFailure(newClient('not-a-valid-key').importKey(undefined, { key: { algorithm: 'RS256', certificate, name: 'x' } }), 401);
});

test('deleteKey: the imported key then validates nothing', async () => {
  assertOK(await client.deleteKey(keyId));
  const now = Math.floor(Date.now() / 1000);
  await expectFailure(client.validateJWT(signRS256({ sub: randomUUID(), iat: now, exp: now + 600 })), 401);
});
