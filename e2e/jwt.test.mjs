// JWT, refresh-token and key APIs through the official FusionAuth TypeScript
// client: JWKS, public keys, Key API, refresh-token exchange and revocation
// refusals, JWT validation. A successful refresh needs a login (see the
// login tests); here the refresh API is driven with tokens it must refuse.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate, createPublicKey, randomUUID } from 'node:crypto';
import { newClient, expectFailure, assertOK } from './helpers.mjs';

const client = newClient();

// Keys this file creates; other files share the server, so the JWKS may
// hold more keys than ours.
const created = {};

test('retrieveJsonWebKeySet: anonymous, {keys: [...]} of public keys only', async () => {
  const res = await newClient('not-a-valid-key').retrieveJsonWebKeySet();
  assertOK(res);
  assert.ok(Array.isArray(res.response.keys), JSON.stringify(res.response));
  for (const k of res.response.keys) {
    assert.equal(k.use, 'sig');
    assert.ok(k.kid && k.alg && k.kty, JSON.stringify(k));
    assert.equal(k.d, undefined, 'no private part');
    assert.notEqual(k.kty, 'oct', 'no HMAC secret');
  }
});

test('generateKey with every algorithm FusionAuth has: private parts never returned', async () => {
  const cases = [
    { algorithm: 'RS256', name: 'e2e RSA', length: 2048, type: 'RSA' },
    { algorithm: 'RS384', name: 'e2e RSA 384', type: 'RSA' },
    { algorithm: 'RS512', name: 'e2e RSA 512', length: 3072, type: 'RSA' },
    { algorithm: 'ES256', name: 'e2e EC', type: 'EC' },
    { algorithm: 'ES384', name: 'e2e EC 384', type: 'EC' },
    { algorithm: 'ES512', name: 'e2e EC 521', type: 'EC' },
    { algorithm: 'Ed25519', name: 'e2e Ed25519', type: 'OKP' },
    { algorithm: 'HS256', name: 'e2e HMAC', type: 'HMAC' },
    { algorithm: 'HS384', name: 'e2e HMAC 384', type: 'HMAC' },
    { algorithm: 'HS512', name: 'e2e HMAC 512', type: 'HMAC' },
  ];
  for (const c of cases) {
    const { type, ...key } = c;
    const res = await client.generateKey(undefined, { key });
    assertOK(res);
    const k = res.response.key;
    assert.equal(k.type, type);
    assert.equal(k.algorithm, c.algorithm);
    assert.equal(k.name, c.name);
    assert.equal(k.kid, k.id);
    assert.equal(k.secret, undefined);
    assert.equal(k.privateKey, undefined);
    if (type === 'HMAC') {
      assert.equal(k.publicKey, undefined);
    } else {
      assert.match(k.publicKey, /^-----BEGIN PUBLIC KEY-----\n/);
    }
    created[c.algorithm] = k;
  }
  assert.equal(created.RS512.length, 3072);
  assert.equal(created.ES384.length, 384);
  assert.equal(created.ES512.length, 521);
  // A generated RSA key carries a self-signed certificate of its own public
  // key, read here by Node's X.509 parser.
  const cert = new X509Certificate(created.RS256.certificate);
  assert.ok(cert.verify(cert.publicKey), 'self-signed');
  assert.equal(cert.publicKey.export({ type: 'spki', format: 'pem' }), created.RS256.publicKey);
  assert.equal(cert.fingerprint256, created.RS256.certificateInformation.sha256Fingerprint);
  const again = await client.retrieveKey(created.RS256.id);
  assertOK(again);
  assert.equal(again.response.key.publicKey, created.RS256.publicKey);
});

test('JWKS publishes the asymmetric keys, equal to their PEM form', async () => {
  const res = await client.retrieveJsonWebKeySet();
  assertOK(res);
  const byKid = new Map(res.response.keys.map((k) => [k.kid, k]));
  const want = { RS256: ['RS256', 'RSA'], ES256: ['ES256', 'EC'], Ed25519: ['EdDSA', 'OKP'] };
  for (const [name, [alg, kty]] of Object.entries(want)) {
    const jwk = byKid.get(created[name].id);
    assert.ok(jwk, `${name} key in the JWKS`);
    assert.equal(jwk.alg, alg);
    assert.equal(jwk.kty, kty);
    assert.equal(jwk.use, 'sig');
    // An independent parser (Node's crypto) reads the JWK and the PEM as the
    // same key.
    const fromJWK = createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
    assert.equal(fromJWK, created[name].publicKey);
  }
  assert.equal(byKid.get(created.HS256.id), undefined, 'HMAC secrets are never published');

  const pks = await client.retrieveJWTPublicKeys();
  assertOK(pks);
  assert.equal(pks.response.publicKeys[created.RS256.id], created.RS256.publicKey);
  assert.equal(pks.response.publicKeys[created.HS256.id], undefined);
});

test('generateKey refuses bad input with FusionAuth errors', async () => {
  let err = await expectFailure(client.generateKey(undefined, { key: { algorithm: 'RS256' } }), 400);
  assert.equal(err.exception.fieldErrors['key.name'][0].code, '[blank]key.name');
  err = await expectFailure(client.generateKey(undefined, { key: { algorithm: 'PS256', name: 'x' } }), 400);
  assert.equal(err.exception.fieldErrors['key.algorithm'][0].code, '[invalid]key.algorithm');
  await expectFailure(newClient('not-a-valid-key').generateKey(undefined, { key: { algorithm: 'HS256', name: 'x' } }), 401);
});

test('a tenant signing key cannot be deleted until the tenant lets go of it', async () => {
  const tenant = await client.createTenant(undefined, {
    tenant: { name: `e2e jwt ${randomUUID()}`, jwtConfiguration: { accessTokenKeyId: created.ES256.id } },
  });
  assertOK(tenant);
  const err = await expectFailure(client.deleteKey(created.ES256.id), 400);
  assert.equal(err.exception.generalErrors[0].code, '[KeyInUse]');
  assertOK(await client.deleteTenant(tenant.response.tenant.id));
});

test('deleteKey removes a key from the JWKS', async () => {
  for (const k of Object.values(created)) {
    assertOK(await client.deleteKey(k.id));
    await expectFailure(client.retrieveKey(k.id), 404);
  }
  const res = await client.retrieveJsonWebKeySet();
  const kids = res.response.keys.map((k) => k.kid);
  for (const k of Object.values(created)) {
    assert.ok(!kids.includes(k.id), `${k.name} is gone`);
  }
});

test('exchangeRefreshTokenForJWT with an unknown token: 400 [invalid]refreshToken', async () => {
  // Anonymous: a client without an API key works the same.
  for (const c of [client, newClient('')]) {
    const err = await expectFailure(c.exchangeRefreshTokenForJWT({ refreshToken: 'not-a-refresh-token' }), 400);
    assert.equal(err.exception.fieldErrors.refreshToken[0].code, '[invalid]refreshToken');
  }
});

test('exchangeRefreshTokenForJWT without a token: 400 [blank]refreshToken', async () => {
  const err = await expectFailure(client.exchangeRefreshTokenForJWT({}), 400);
  assert.equal(err.exception.fieldErrors.refreshToken[0].code, '[blank]refreshToken');
});

test('validateJWT with a token that is not ours: 401', async () => {
  await expectFailure(client.validateJWT('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.'), 401);
  await expectFailure(client.validateJWT('garbage'), 401);
});

test('refresh tokens of a user without any: retrieve [] and revoke 200', async () => {
  const user = await client.createUser(undefined, { user: { email: `jwt-${randomUUID()}@example.com` } });
  assertOK(user);
  const id = user.response.user.id;
  const list = await client.retrieveRefreshTokens(id);
  assertOK(list);
  assert.deepEqual(list.response.refreshTokens, []);
  assertOK(await client.revokeRefreshTokensByUserId(id));
  // revokeRefreshToken(null, userId) sends ?token=null: null means "not given".
  assertOK(await client.revokeRefreshToken(null, id));
  assertOK(await client.deleteUser(id));
});

test('refresh-token lookups and revocations of unknown objects: 404', async () => {
  const unknown = randomUUID();
  await expectFailure(client.retrieveRefreshTokenById(unknown), 404);
  await expectFailure(client.revokeRefreshTokenById(unknown), 404);
  await expectFailure(client.revokeRefreshTokenByToken('not-a-refresh-token'), 404);
  await expectFailure(client.revokeRefreshTokensByUserId(unknown), 404);
  await expectFailure(client.revokeRefreshTokensByApplicationId(unknown), 404);
  await expectFailure(newClient('not-a-valid-key').retrieveRefreshTokens(unknown), 401);
});

test('revokeRefreshToken with nothing to revoke: 400 [missing]userId', async () => {
  // Every argument null: ?token=null&userId=null&applicationId=null, no
  // parameter at all. An absent request parameter is [missing] (SPEC §1).
  const err = await expectFailure(client.revokeRefreshToken(null, null, null), 400);
  assert.equal(err.exception.fieldErrors.userId[0].code, '[missing]userId');
  const body = await expectFailure(client.revokeRefreshTokensWithRequest({}), 400);
  assert.equal(body.exception.fieldErrors.userId[0].code, '[missing]userId');
});

test('vendJWT: the caller\'s claims plus iat, exp and jti, valid for validateJWT', async () => {
  // Other files may add tenants: name ours, as a tenant-scoped caller does.
  const tenants = await client.retrieveTenants();
  assertOK(tenants);
  const scoped = newClient().setTenantId(tenants.response.tenants[0].id);
  const res = await scoped.vendJWT({ claims: { sub: 'service-7', scope: 'reports' }, timeToLiveInSeconds: 120 });
  assertOK(res);
  const token = res.response.token;
  const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
  assert.equal(claims.sub, 'service-7');
  assert.equal(claims.scope, 'reports');
  assert.equal(claims.exp - claims.iat, 120);
  assert.match(claims.jti, /^[0-9a-f-]{36}$/);
  const valid = await client.validateJWT(token);
  assertOK(valid);
  assert.equal(valid.response.jwt.sub, 'service-7');

  const err = await expectFailure(scoped.vendJWT({ keyId: randomUUID() }), 400);
  assert.equal(err.exception.fieldErrors.keyId[0].code, '[invalid]keyId');
  await expectFailure(newClient('not-a-valid-key').vendJWT({ claims: {} }), 401);
});
