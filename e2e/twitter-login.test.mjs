// "Login with Twitter" through the official FusionAuth TypeScript client,
// against the fake Twitter scripts/e2e starts (examples/faketwitter). The
// fake's control API stands in for the browser leg: it hands out the request
// token and verifier (or an access token) Twitter would have given the app.
//
// The file makes its own tenant (signing with an RS256 key it generates, so
// the JWT can be checked against the JWKS), application, Twitter provider and
// fake accounts, and deletes all of it at the end. The fake's consumers and
// accounts cannot be removed; they use per-run names.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPublicKey, randomInt, randomUUID, verify } from 'node:crypto';
import { newClient, expectFailure, assertOK, controlPost } from './helpers.mjs';

const client = newClient();
const run = randomUUID().slice(0, 8);
const twitterId = '45bb233c-0901-4236-b5ca-ac46e2e0a5a5';
const consumer = { key: `e2e-consumer-${run}`, secret: `e2e-secret-${randomUUID()}` };

/** A Twitter account of the fake; ids are numeric strings, as Twitter's. */
function account(name) {
  return {
    id: String(randomInt(1e9, 2 ** 47)),
    screenName: `${name}_${run}`,
    name: `${name[0].toUpperCase()}${name.slice(1)} Example`,
    email: `${name}-${run}@example.com`,
  };
}
const alice = account('alice'); // LinkByEmail, request token + verifier
const bob = account('bob'); // the access-token shortcut
const carol = account('carol'); // CreatePendingLink

/** What the browser leg of Sign in with Twitter would hand the app. */
function requestToken(a) {
  return controlPost('/request-token', { consumerKey: consumer.key, accountId: a.id });
}

function loginRequest(data) {
  return { applicationId: s.app.id, identityProviderId: twitterId, data };
}

function decodeJWT(jwt) {
  const parts = jwt.split('.');
  assert.equal(parts.length, 3, `a JWS compact token: ${jwt}`);
  const [header, payload] = parts.slice(0, 2).map((p) => JSON.parse(Buffer.from(p, 'base64url').toString()));
  return { header, payload, signingInput: `${parts[0]}.${parts[1]}`, signature: Buffer.from(parts[2], 'base64url') };
}

// Filled in as the tests go; they run in order.
const s = { users: new Set() };

after(async () => {
  // Whatever a failed test left behind; each step ignores "already gone".
  await client.deleteIdentityProvider(twitterId).catch(() => {});
  for (const id of s.users) {
    await client.deleteUser(id).catch(() => {});
  }
  if (s.app) {
    await client.deleteApplication(s.app.id).catch(() => {});
  }
  if (s.app2) {
    await client.deleteApplication(s.app2.id).catch(() => {});
  }
  if (s.tenantId) {
    await client.deleteTenant(s.tenantId).catch(() => {});
  }
  if (s.key) {
    await client.deleteKey(s.key.id).catch(() => {});
  }
});

test('set-up: key, tenant, application, provider, fake consumer and accounts', async () => {
  const key = await client.generateKey(undefined, { key: { algorithm: 'RS256', name: `e2e twitter ${run}`, length: 2048 } });
  assertOK(key);
  s.key = key.response.key;

  const tenant = await client.createTenant(null, {
    tenant: { name: `e2e twitter ${run}`, issuer: 'e2e.example.com', jwtConfiguration: { accessTokenKeyId: s.key.id } },
  });
  assertOK(tenant);
  s.tenantId = tenant.response.tenant.id;
  s.scoped = newClient().setTenantId(s.tenantId);

  const app = await s.scoped.createApplication(null, {
    application: {
      name: `e2e twitter ${run}`,
      roles: [{ name: 'member', isDefault: true }, { name: 'admin' }],
      loginConfiguration: { generateRefreshTokens: true },
    },
  });
  assertOK(app);
  s.app = app.response.application;

  await controlPost('/consumers', consumer);
  for (const a of [alice, bob, carol]) {
    await controlPost('/accounts', a);
  }

  const idp = await client.createIdentityProvider(null, {
    identityProvider: {
      type: 'Twitter',
      enabled: true,
      buttonText: 'Login with Twitter',
      consumerKey: consumer.key,
      consumerSecret: consumer.secret,
      applicationConfiguration: { [s.app.id]: { enabled: true, createRegistration: true } },
    },
  });
  assertOK(idp);
  assert.equal(idp.response.identityProvider.linkingStrategy, 'LinkByEmail');
});

test('identityProviderLogin with a request token and verifier: 200, JWT, refresh token, default role', async () => {
  const rt = await requestToken(alice);
  const res = await client.identityProviderLogin(loginRequest(rt));
  assertOK(res);
  const { token, refreshToken, user } = res.response;
  assert.equal(typeof token, 'string');
  assert.equal(typeof refreshToken, 'string');
  assert.ok(refreshToken.length > 0);
  assert.match(user.id, /^[0-9a-f-]{36}$/);
  s.users.add(user.id);
  assert.equal(user.email, alice.email);
  assert.equal(user.tenantId, s.tenantId);
  assert.equal(user.verified, true, 'Twitter returns confirmed addresses only');
  assert.equal(user.registrations.length, 1);
  assert.equal(user.registrations[0].applicationId, s.app.id);
  assert.ok(user.registrations[0].roles.includes('member'), JSON.stringify(user.registrations[0]));
  assert.ok(!user.registrations[0].roles.includes('admin'));

  const jwt = decodeJWT(token);
  assert.equal(jwt.header.alg, 'RS256');
  assert.equal(jwt.header.kid, s.key.id);
  assert.equal(jwt.payload.sub, user.id);
  assert.equal(jwt.payload.applicationId, s.app.id);
  assert.equal(jwt.payload.email, alice.email);
  assert.equal(jwt.payload.iss, 'e2e.example.com');
  assert.equal(jwt.payload.authenticationType, 'TWITTER');
  assert.deepEqual(jwt.payload.roles, ['member']);
  s.alice = { user, token, refreshToken };

  // The login linked the Twitter account and kept Twitter's access token.
  const link = await client.retrieveUserLink(twitterId, alice.id, user.id);
  assertOK(link);
  const l = link.response.identityProviderLink;
  assert.equal(l.identityProviderId, twitterId);
  assert.equal(l.identityProviderUserId, alice.id);
  assert.equal(l.identityProviderType, 'Twitter');
  assert.equal(l.userId, user.id);
  assert.ok(l.token.startsWith(`${alice.id}-`), 'the access token the fake issued');
});

test('retrieveJsonWebKeySet: {keys: [...]} holding the key that signed the JWT', async () => {
  const res = await newClient('not-a-valid-key').retrieveJsonWebKeySet();
  assertOK(res);
  assert.ok(Array.isArray(res.response.keys), JSON.stringify(res.response));
  const jwk = res.response.keys.find((k) => k.kid === s.key.id);
  assert.ok(jwk, 'the tenant\'s signing key is published');
  const jwt = decodeJWT(s.alice.token);
  const ok = verify('sha256', Buffer.from(jwt.signingInput), createPublicKey({ key: jwk, format: 'jwk' }), jwt.signature);
  assert.equal(ok, true, 'the JWT verifies with the published key');
});

test('issueJWT: the login\'s JWT exchanged for one of another application (JWT_SSO), with a refresh token', async () => {
  const other = await s.scoped.createApplication(null, {
    application: { name: `e2e sso ${Date.now()}`, loginConfiguration: { generateRefreshTokens: true } },
  });
  assertOK(other);
  const app2 = other.response.application;
  try {
    // Without a registration: 202, a JWT without roles, and no refresh token.
    const bare = await client.issueJWT(app2.id, s.alice.token, s.alice.refreshToken);
    assertOK(bare, 202);
    assert.equal(decodeJWT(bare.response.token).payload.roles, undefined);
    assert.equal(bare.response.refreshToken, undefined);
    assertOK(await client.register(s.alice.user.id, { registration: { applicationId: app2.id } }));
    const res = await client.issueJWT(app2.id, s.alice.token, s.alice.refreshToken);
    assertOK(res);
    const jwt = decodeJWT(res.response.token);
    assert.equal(jwt.payload.sub, s.alice.user.id);
    assert.equal(jwt.payload.aud, app2.id);
    assert.equal(jwt.payload.authenticationType, 'JWT_SSO');
    assert.equal(typeof res.response.refreshToken, 'string');
    const refreshed = await client.exchangeRefreshTokenForJWT({ refreshToken: res.response.refreshToken });
    assertOK(refreshed);
    assert.equal(decodeJWT(refreshed.response.token).payload.aud, app2.id);

    await expectFailure(client.issueJWT(app2.id, 'not-a-jwt'), 401);
    const err = await expectFailure(client.issueJWT(randomUUID(), s.alice.token), 400);
    assert.equal(err.exception.fieldErrors.applicationId[0].code, '[invalid]applicationId');
  } finally {
    assertOK(await s.scoped.deleteApplication(app2.id));
  }
});

test('exchangeRefreshTokenForJWT with the login\'s refresh token: 200, a new JWT', async () => {
  const res = await client.exchangeRefreshTokenForJWT({ refreshToken: s.alice.refreshToken });
  assertOK(res);
  assert.equal(typeof res.response.token, 'string');
  const jwt = decodeJWT(res.response.token);
  assert.equal(jwt.payload.sub, s.alice.user.id);
  assert.equal(jwt.payload.applicationId, s.app.id);
  assert.deepEqual(jwt.payload.roles, ['member']);
});

test('exchangeRefreshTokenForJWT with timeToLiveInSeconds: a shorter token; a longer one is refused', async () => {
  const res = await client.exchangeRefreshTokenForJWT({ refreshToken: s.alice.refreshToken, timeToLiveInSeconds: 120 });
  assertOK(res);
  const jwt = decodeJWT(res.response.token);
  assert.equal(jwt.payload.exp - jwt.payload.iat, 120);
  const err = await expectFailure(client.exchangeRefreshTokenForJWT({ refreshToken: s.alice.refreshToken, timeToLiveInSeconds: 1e6 }), 400);
  assert.equal(err.exception.fieldErrors.timeToLiveInSeconds[0].code, '[invalid]timeToLiveInSeconds');
});

test('a second login of the same account finds the same user; a spent request token is refused', async () => {
  const rt = await requestToken(alice);
  const res = await client.identityProviderLogin(loginRequest(rt));
  assertOK(res);
  assert.equal(res.response.user.id, s.alice.user.id);
  assert.equal(res.response.user.registrations.length, 1);
  // Twitter's request tokens are good for one exchange.
  await expectFailure(client.identityProviderLogin(loginRequest(rt)), 401);
});

test('identityProviderLogin with an access token (no oauth_verifier): 200', async () => {
  const at = await controlPost('/access-token', { consumerKey: consumer.key, accountId: bob.id });
  assert.equal(at.oauth_verifier, undefined);
  const res = await client.identityProviderLogin(loginRequest(at));
  assertOK(res);
  s.users.add(res.response.user.id);
  assert.equal(res.response.user.email, bob.email);
  assert.notEqual(res.response.user.id, s.alice.user.id);
  assert.equal(typeof res.response.token, 'string');
  assert.deepEqual(res.response.user.registrations[0].roles, ['member']);
});

test('identityProviderLogin to an application the user is not registered to: 202, a JWT without applicationId or roles', async () => {
  const app2 = await s.scoped.createApplication(null, { application: { name: `e2e twitter unregistered ${run}` } });
  assertOK(app2);
  s.app2 = app2.response.application;
  assertOK(await client.patchIdentityProvider(twitterId, {
    identityProvider: { applicationConfiguration: { [s.app2.id]: { enabled: true, createRegistration: false } } },
  }));
  const rt = await requestToken(alice);
  const res = await client.identityProviderLogin({ ...loginRequest(rt), applicationId: s.app2.id });
  assert.equal(res.statusCode, 202);
  assert.equal(res.response.user.id, s.alice.user.id);
  const jwt = decodeJWT(res.response.token);
  assert.equal(jwt.payload.aud, s.app2.id);
  assert.equal(jwt.payload.applicationId, undefined, 'only a registered user\'s token names the application');
  assert.equal(jwt.payload.roles, undefined);
  assert.equal(res.response.refreshToken, undefined, 'a refresh token needs a registration');
});

test('identityProviderLogin refusals: wrong verifier 401, missing token secret 400', async () => {
  const rt = await requestToken(alice);
  await expectFailure(client.identityProviderLogin(loginRequest({ ...rt, oauth_verifier: 'not-the-verifier' })), 401);

  const blank = await expectFailure(client.identityProviderLogin(loginRequest({ oauth_token: rt.oauth_token })), 400);
  assert.equal(blank.exception.fieldErrors['data.oauth_token_secret'][0].code, '[blank]data.oauth_token_secret');

  // IdentityProviderLoginRequest is a BaseEventRequest: eventInfo is read,
  // as strictly as the rest of the body, and a well-formed one logs in.
  const badInfo = await expectFailure(client.identityProviderLogin({ ...loginRequest(await requestToken(alice)), eventInfo: { ipAddress: 5 } }), 400);
  assert.equal(badInfo.exception.fieldErrors['eventInfo.ipAddress'][0].code, '[invalidJSON]eventInfo.ipAddress');
  const withInfo = await client.identityProviderLogin({
    ...loginRequest(await requestToken(alice)),
    eventInfo: { ipAddress: '198.51.100.7', userAgent: 'Mozilla/5.0 (phone)', deviceName: 'phone' },
  });
  assertOK(withInfo);
  assert.equal(withInfo.response.user.id, s.alice.user.id);
});

test('CreatePendingLink: 232 with pendingIdPLinkId; retrievePendingLink; createUserLink completes it', async () => {
  const patched = await client.patchIdentityProvider(twitterId, { identityProvider: { linkingStrategy: 'CreatePendingLink' } });
  assertOK(patched);
  assert.equal(patched.response.identityProvider.linkingStrategy, 'CreatePendingLink');

  // The user the pending link is completed for exists before the login.
  const created = await s.scoped.createUser(null, { user: { email: `carol-existing-${run}@example.com` }, skipVerification: true });
  assertOK(created);
  const userId = created.response.user.id;
  s.users.add(userId);
  s.carolUserId = userId;

  // 232 is inside 2xx: the client resolves (response.ok) and calls it a
  // success.
  const res = await client.identityProviderLogin(loginRequest(await requestToken(carol)));
  assertOK(res, 232);
  const pendingId = res.response.pendingIdPLinkId;
  assert.equal(typeof pendingId, 'string');
  assert.ok(pendingId.length > 0);
  assert.equal(res.response.token, undefined, 'no JWT before the link exists');
  assert.equal(res.response.user, undefined);

  const pending = await client.retrievePendingLink(pendingId, userId);
  assertOK(pending);
  const p = pending.response.pendingIdPLink;
  assert.equal(p.identityProviderId, twitterId);
  assert.equal(p.identityProviderUserId, carol.id);
  assert.equal(p.identityProviderType, 'Twitter');
  assert.equal(p.identityProviderName, 'Twitter');
  assert.equal(p.email, carol.email);
  assert.equal(p.username, carol.screenName);
  assert.deepEqual(p.identityProviderLinks, []);
  assert.equal(pending.response.linkCount, 0);
  // The provider has no policy for this tenant: FusionAuth then leaves the
  // tenant configuration out.
  assert.equal(pending.response.identityProviderTenantConfiguration, undefined);
  assert.equal(p.identityProviderTenantConfiguration, undefined);
  // userId is optional: the client then sends ?userId=null, and linkCount,
  // present "only if a userId was provided", is absent.
  const anonymous = await client.retrievePendingLink(pendingId, null);
  assertOK(anonymous);
  assert.equal(anonymous.response.pendingIdPLink.identityProviderUserId, carol.id);
  assert.equal(anonymous.response.linkCount, undefined);

  // IdentityProviderLinkRequest is a BaseEventRequest: its eventInfo is
  // read, as strictly as the rest of the body, and a refused completion
  // leaves the pending link usable.
  const badInfo = await expectFailure(client.createUserLink({ pendingIdPLinkId: pendingId, identityProviderLink: { userId }, eventInfo: { ipAddress: 5 } }), 400);
  assert.equal(badInfo.exception.fieldErrors['eventInfo.ipAddress'][0].code, '[invalidJSON]eventInfo.ipAddress');

  const link = await client.createUserLink({
    pendingIdPLinkId: pendingId, identityProviderLink: { userId },
    eventInfo: { ipAddress: '203.0.113.9', userAgent: 'Mozilla/5.0 (phone)' },
  });
  assertOK(link);
  const l = link.response.identityProviderLink;
  assert.equal(l.userId, userId);
  assert.equal(l.identityProviderId, twitterId);
  assert.equal(l.identityProviderUserId, carol.id);
  s.carolLink = l;

  // A pending link is used once.
  await expectFailure(client.retrievePendingLink(pendingId, userId), 404);
  const again = await expectFailure(client.createUserLink({ pendingIdPLinkId: pendingId, identityProviderLink: { userId } }), 400);
  assert.equal(again.exception.generalErrors[0].code, '[InvalidPendingIdPLinkId]');
});

test('retrieveUserLink, retrieveUserLinksByUserId; the linked account logs in as that user', async () => {
  const one = await client.retrieveUserLink(twitterId, carol.id, s.carolUserId);
  assertOK(one);
  assert.deepEqual(one.response.identityProviderLink, s.carolLink);

  const list = await client.retrieveUserLinksByUserId(twitterId, s.carolUserId);
  assertOK(list);
  assert.deepEqual(list.response.identityProviderLinks.map((l) => l.identityProviderUserId), [carol.id]);
  // identityProviderId is optional: the client sends ?identityProviderId=undefined.
  const all = await client.retrieveUserLinksByUserId(undefined, s.carolUserId);
  assertOK(all);
  assert.deepEqual(all.response.identityProviderLinks.map((l) => l.identityProviderUserId), [carol.id]);

  // An existing link wins over the strategy: a normal login, not a pending one.
  const res = await client.identityProviderLogin(loginRequest(await requestToken(carol)));
  assertOK(res);
  assert.equal(res.response.user.id, s.carolUserId);
  assert.equal(typeof res.response.token, 'string');
  assert.deepEqual(res.response.user.registrations.map((r) => r.applicationId), [s.app.id]);
});

test('deleteUserLink: 200 with the link, then 404', async () => {
  const res = await client.deleteUserLink(twitterId, carol.id, s.carolUserId);
  assertOK(res);
  const l = res.response.identityProviderLink;
  assert.equal(l.userId, s.carolUserId);
  assert.equal(l.identityProviderUserId, carol.id);
  await expectFailure(client.retrieveUserLink(twitterId, carol.id, s.carolUserId), 404);
  const list = await client.retrieveUserLinksByUserId(twitterId, s.carolUserId);
  assertOK(list);
  assert.deepEqual(list.response.identityProviderLinks, []);
});

test('clean-up: provider, users, application, tenant, key', async () => {
  assertOK(await client.deleteIdentityProvider(twitterId));
  await expectFailure(client.retrieveIdentityProvider(twitterId), 404);
  for (const id of s.users) {
    assertOK(await client.deleteUser(id));
    await expectFailure(client.retrieveUser(id), 404);
  }
  s.users.clear();
  assertOK(await client.deleteApplication(s.app.id));
  await expectFailure(client.retrieveApplication(s.app.id), 404);
  s.app = undefined;
  assertOK(await client.deleteApplication(s.app2.id));
  s.app2 = undefined;
  assertOK(await client.deleteTenant(s.tenantId));
  s.tenantId = undefined;
  assertOK(await client.deleteKey(s.key.id));
  s.key = undefined;
});
