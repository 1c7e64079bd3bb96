// The Twitter login's other outcomes through the official FusionAuth
// TypeScript client: the status codes the seed's response table lists
// besides 200 and 232 (213, 212, 203, 409, 410), noJWT, the request's
// metaData.device kept on the refresh token, a one-time-use refresh token
// rotated by exchangeRefreshTokenForJWT, and deleteTenantAsync. Every 2xx
// resolves (the client tests response.ok), so each status is asserted
// exactly; 409 and 410 reject with an empty body (no exception object).
//
// The file makes its own tenant (one-time-use refresh tokens), two
// applications, the Twitter provider and fake accounts under per-run names,
// and deletes what it made in authcore at the end.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { newClient, expectFailure, assertOK, controlPost } from './helpers.mjs';

const client = newClient();
const run = randomUUID().slice(0, 8);
const twitterId = '45bb233c-0901-4236-b5ca-ac46e2e0a5a5';
const consumer = { key: `e2e-status-${run}`, secret: `e2e-secret-${randomUUID()}` };

function account(name) {
  return { id: String(randomInt(1e9, 2 ** 47)), screenName: `${name}_${run}`, name, email: `${name}-${run}@example.com` };
}
const hal = account('hal'); // logs into the application that verifies registrations
const ida = account('ida'); // an existing user whose e-mail is not verified
const jon = account('jon'); // noJWT, then the user-state refusals
const kim = account('kim'); // metaData, and the one-time-use refresh token
const lia = account('lia'); // an existing user with a two-factor method: 242
const moe = account('moe'); // logs in through a client without an API key

async function loginRequest(a, applicationId = s.app.id, extra = {}) {
  const data = await controlPost('/request-token', { consumerKey: consumer.key, accountId: a.id });
  return { applicationId, identityProviderId: twitterId, data, ...extra };
}

function payload(jwt) {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString());
}

const s = {};

after(async () => {
  await client.deleteIdentityProvider(twitterId).catch(() => {});
  if (s.tenantId) {
    await client.deleteTenant(s.tenantId).catch(() => {});
  }
});

test('set-up: tenant, applications, provider, fake accounts', async () => {
  const t = await client.createTenant(null, {
    tenant: { name: `e2e status ${run}`, jwtConfiguration: { refreshTokenUsagePolicy: 'OneTimeUse' } },
  });
  assertOK(t);
  s.tenantId = t.response.tenant.id;
  s.scoped = newClient().setTenantId(s.tenantId);
  const app = await s.scoped.createApplication(null, {
    application: { name: `status ${run}`, roles: [{ name: 'member', isDefault: true }], loginConfiguration: { generateRefreshTokens: true } },
  });
  assertOK(app);
  s.app = app.response.application;
  const verifying = await s.scoped.createApplication(null, {
    application: { name: `status verifying ${run}`, verifyRegistration: true },
  });
  assertOK(verifying);
  s.verifying = verifying.response.application;

  await controlPost('/consumers', consumer);
  for (const a of [hal, ida, jon, kim, lia, moe]) {
    await controlPost('/accounts', a);
  }
  await client.deleteIdentityProvider(twitterId).catch(() => {});
  assertOK(await client.createIdentityProvider(null, {
    identityProvider: {
      type: 'Twitter',
      enabled: true,
      buttonText: 'Login with Twitter',
      consumerKey: consumer.key,
      consumerSecret: consumer.secret,
      applicationConfiguration: { [s.app.id]: { enabled: true }, [s.verifying.id]: { enabled: true } },
    },
  }));
});

test('213: the application verifies registrations; the new registration is not verified', async () => {
  const res = await client.identityProviderLogin(await loginRequest(hal, s.verifying.id));
  assertOK(res, 213);
  const { user, token } = res.response;
  assert.equal(user.email, hal.email);
  const reg = user.registrations.find((r) => r.applicationId === s.verifying.id);
  assert.ok(reg, JSON.stringify(user.registrations));
  assert.equal(reg.verified, false);
  assert.equal(payload(token).applicationId, s.verifying.id);
});

test('212: the tenant verifies e-mail and the linked user has not verified hers', async () => {
  assertOK(await client.patchTenant(s.tenantId, { tenant: { emailConfiguration: { verifyEmail: true } } }));
  try {
    const u = await s.scoped.createUser(null, { user: { email: ida.email } });
    assertOK(u);
    assert.equal(u.response.user.verified, false);
    const res = await client.identityProviderLogin(await loginRequest(ida));
    assertOK(res, 212);
    assert.equal(res.response.user.id, u.response.user.id, 'LinkByEmail linked the existing user');
    assert.equal(typeof res.response.token, 'string');
  } finally {
    assertOK(await client.patchTenant(s.tenantId, { tenant: { emailConfiguration: { verifyEmail: false } } }));
  }
});

test('noJWT: 200 with the user, and neither token nor refresh token', async () => {
  const res = await client.identityProviderLogin(await loginRequest(jon, s.app.id, { noJWT: true }));
  assertOK(res);
  assert.equal(res.response.user.email, jon.email);
  assert.equal(res.response.token, undefined);
  assert.equal(res.response.tokenExpirationInstant, undefined);
  assert.equal(res.response.refreshToken, undefined);
  s.jon = res.response.user;
});

test('203, 409, 410: a password change required, a deactivated user, an expired user', async () => {
  const id = s.jon.id;
  assertOK(await client.patchUser(id, { user: { passwordChangeRequired: true } }));
  const changing = await client.identityProviderLogin(await loginRequest(jon));
  assertOK(changing, 203);
  assert.equal(changing.response.token, undefined, 'no token until the password is changed');

  assertOK(await client.patchUser(id, { user: { passwordChangeRequired: false } }));
  assertOK(await client.deactivateUser(id));
  const inactive = await expectFailure(client.identityProviderLogin(await loginRequest(jon)), 409);
  assert.equal(inactive.exception, undefined, 'an empty 409');

  assertOK(await client.reactivateUser(id));
  assertOK(await client.patchUser(id, { user: { expiry: Date.now() - 60_000 } }));
  const expired = await expectFailure(client.identityProviderLogin(await loginRequest(jon)), 410);
  assert.equal(expired.exception, undefined, 'an empty 410');

  // With the expiry removed, the same account logs in again.
  assertOK(await client.patchUser(id, { user: { expiry: null } }));
  const back = await client.identityProviderLogin(await loginRequest(jon));
  assertOK(back);
  assert.equal(back.response.user.id, id);
});

test('metaData.device is kept on the refresh token; a one-time-use token rotates', async () => {
  const device = { name: 'Kim\'s phone', type: 'MOBILE', description: 'e2e' };
  const res = await client.identityProviderLogin(await loginRequest(kim, s.app.id, { metaData: { device } }));
  assertOK(res);
  const { refreshToken, refreshTokenId, user } = res.response;
  assert.equal(typeof refreshToken, 'string');

  const byId = await client.retrieveRefreshTokenById(refreshTokenId);
  assertOK(byId);
  const rt = byId.response.refreshToken;
  assert.equal(rt.id, refreshTokenId);
  assert.equal(rt.userId, user.id);
  assert.equal(rt.applicationId, s.app.id);
  assert.equal(rt.tenantId, s.tenantId);
  for (const k of ['name', 'type', 'description']) {
    assert.equal(rt.metaData.device[k], device[k], k);
  }
  assert.equal(rt.token, undefined, 'the token itself is never shown');

  const refreshed = await client.exchangeRefreshTokenForJWT({ refreshToken });
  assertOK(refreshed);
  assert.equal(typeof refreshed.response.refreshToken, 'string');
  assert.notEqual(refreshed.response.refreshToken, refreshToken, 'OneTimeUse: a new refresh token');
  assert.equal(payload(refreshed.response.token).sub, user.id);

  const list = await client.retrieveRefreshTokens(user.id);
  assertOK(list);
  assert.equal(list.response.refreshTokens.length, 1, JSON.stringify(list.response));

  // The new one works once more; the spent one is refused.
  assertOK(await client.exchangeRefreshTokenForJWT({ refreshToken: refreshed.response.refreshToken }));
  const spent = await expectFailure(client.exchangeRefreshTokenForJWT({ refreshToken: refreshToken }), 400);
  assert.equal(spent.exception.fieldErrors.refreshToken[0].code, '[invalid]refreshToken');
});

test('242: a user with a two-factor method gets twoFactorId and the methods, no token and no user', async () => {
  const u = await s.scoped.createUser(null, {
    user: { email: lia.email, twoFactor: { methods: [{ method: 'email', email: lia.email }] } },
    skipVerification: true,
  });
  assertOK(u);
  const [method] = u.response.user.twoFactor.methods;
  const res = await client.identityProviderLogin(await loginRequest(lia));
  assertOK(res, 242);
  const { twoFactorId, methods, token, refreshToken, user } = res.response;
  assert.equal(typeof twoFactorId, 'string');
  assert.ok(twoFactorId.length > 0);
  assert.deepEqual(methods, [{ id: method.id, method: 'email', email: lia.email }]);
  assert.equal(token, undefined);
  assert.equal(refreshToken, undefined);
  assert.equal(user, undefined, 'the profile is what the second factor guards');
  const linked = await client.retrieveUserLinksByUserId(twitterId, u.response.user.id);
  assertOK(linked);
  assert.equal(linked.response.identityProviderLinks[0].identityProviderUserId, lia.id, 'linked by e-mail');
});

test('identityProviderLogin, refresh and validate through a client without an API key', async () => {
  const anonymous = newClient(null);
  const res = await anonymous.identityProviderLogin(await loginRequest(moe));
  assertOK(res);
  const { token, refreshToken, user } = res.response;
  assert.equal(user.email, moe.email);
  assert.equal(payload(token).sub, user.id);
  const refreshed = await anonymous.exchangeRefreshTokenForJWT({ refreshToken });
  assertOK(refreshed);
  const valid = await anonymous.validateJWT(refreshed.response.token);
  assertOK(valid);
  assert.equal(valid.response.jwt.sub, user.id);
  assert.equal(valid.response.jwt.applicationId, s.app.id);
  // The rest of the API still needs the key: an empty 401.
  const denied = await expectFailure(anonymous.retrieveUser(user.id), 401);
  assert.equal(denied.exception, undefined);
});

test('deleteTenantAsync: the tenant and its applications are gone', async () => {
  const t = await client.createTenant(null, { tenant: { name: `e2e async ${run}` } });
  assertOK(t);
  const id = t.response.tenant.id;
  const app = await newClient().setTenantId(id).createApplication(null, { application: { name: `async ${run}` } });
  assertOK(app);
  assertOK(await client.deleteTenantAsync(id));
  await expectFailure(client.retrieveTenant(id), 404);
  await expectFailure(client.retrieveApplication(app.response.application.id), 404);
  await expectFailure(client.deleteTenantAsync(id), 404);
});
