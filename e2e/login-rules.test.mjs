// The refusals of the Twitter login and the Link API, and the refresh-token
// lifecycle after a login, through the official FusionAuth TypeScript
// client: what twitter-login.test.mjs leaves to the happy path. Each error
// is checked as the client exposes it (statusCode, and the Errors object in
// exception).
//
// The file makes its own tenant (with a link limit of 1 for the provider),
// two applications, the Twitter provider and fake accounts under per-run
// names, and deletes what it made in authcore at the end.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomInt, randomUUID } from 'node:crypto';
import { newClient, expectFailure, assertOK, controlPost } from './helpers.mjs';

const client = newClient();
const run = randomUUID().slice(0, 8);
const twitterId = '45bb233c-0901-4236-b5ca-ac46e2e0a5a5';
const consumer = { key: `e2e-rules-${run}`, secret: `e2e-secret-${randomUUID()}` };

function account(name, email = `${name}-${run}@example.com`) {
  return { id: String(randomInt(1e9, 2 ** 47)), screenName: `${name}_${run}`, name, email };
}
const dana = account('dana'); // logs in first (LinkByEmail)
const dana2 = account('dana2', dana.email); // another Twitter account with dana's e-mail
const nomail = account('nomail', ''); // Twitter gave no e-mail
const eve = account('eve'); // no authcore user has her e-mail
const finn = account('finn'); // linked through the Link API
const gus = account('gus'); // CreatePendingLink

async function loginRequest(a, extra = {}) {
  const data = await controlPost('/request-token', { consumerKey: consumer.key, accountId: a.id });
  return { applicationId: s.app.id, identityProviderId: twitterId, data, ...extra };
}

function strategy(linkingStrategy) {
  return client.patchIdentityProvider(twitterId, { identityProvider: { linkingStrategy } });
}

function generalCode(err) {
  assert.ok(err.exception?.generalErrors?.length, JSON.stringify(err.exception));
  return err.exception.generalErrors[0].code;
}

const s = {};

after(async () => {
  await client.deleteIdentityProvider(twitterId).catch(() => {});
  if (s.tenantId) {
    await client.deleteTenant(s.tenantId).catch(() => {});
  }
});

test('set-up: tenant, applications, provider with a link limit of 1, fake accounts', async () => {
  const t = await client.createTenant(null, { tenant: { name: `e2e rules ${run}` } });
  assertOK(t);
  s.tenantId = t.response.tenant.id;
  s.scoped = newClient().setTenantId(s.tenantId);
  const app = await s.scoped.createApplication(null, {
    application: { name: `rules ${run}`, roles: [{ name: 'member', isDefault: true }], loginConfiguration: { generateRefreshTokens: true } },
  });
  assertOK(app);
  s.app = app.response.application;
  const other = await s.scoped.createApplication(null, {
    application: { name: `rules other ${run}`, loginConfiguration: { generateRefreshTokens: true } },
  });
  assertOK(other);
  s.other = other.response.application;

  await controlPost('/consumers', consumer);
  for (const a of [dana, dana2, nomail, eve, finn, gus]) {
    await controlPost('/accounts', a);
  }
  await client.deleteIdentityProvider(twitterId).catch(() => {});
  const idp = await client.createIdentityProvider(null, {
    identityProvider: {
      type: 'Twitter',
      enabled: true,
      buttonText: 'Login with Twitter',
      consumerKey: consumer.key,
      consumerSecret: consumer.secret,
      // Only s.app: s.other is not enabled for the provider.
      applicationConfiguration: { [s.app.id]: { enabled: true } },
      tenantConfiguration: { [s.tenantId]: { limitUserLinkCount: { enabled: true, maximumLinks: 1 } } },
    },
  });
  assertOK(idp);
});

test('identityProviderLogin refusals of the request: unknown application, application not enabled, unknown provider', async () => {
  let err = await expectFailure(client.identityProviderLogin({ ...(await loginRequest(dana)), applicationId: randomUUID() }), 400);
  assert.equal(err.exception.fieldErrors.applicationId[0].code, '[invalid]applicationId');
  err = await expectFailure(client.identityProviderLogin({ ...(await loginRequest(dana)), applicationId: s.other.id }), 400);
  assert.equal(generalCode(err), '[InvalidIdentityProviderId]');
  err = await expectFailure(client.identityProviderLogin({ ...(await loginRequest(dana)), identityProviderId: randomUUID() }), 400);
  assert.equal(generalCode(err), '[InvalidIdentityProviderId]');
  err = await expectFailure(client.identityProviderLogin({}), 400);
  for (const field of ['applicationId', 'identityProviderId', 'data.oauth_token', 'data.oauth_token_secret']) {
    assert.equal(err.exception.fieldErrors[field][0].code, `[blank]${field}`);
  }
});

test('LinkByEmail: no e-mail from Twitter is MissingEmail; noLink without a link is 404; nothing is created', async () => {
  const err = await expectFailure(client.identityProviderLogin(await loginRequest(nomail)), 400);
  assert.equal(generalCode(err), '[ExternalAuthenticationException]MissingEmail');
  await expectFailure(client.identityProviderLogin(await loginRequest(dana, { noLink: true })), 404);
  await expectFailure(s.scoped.retrieveUserByEmail(dana.email), 404);
});

test('a login, then its refresh token and access token through the JWT API', async () => {
  const res = await client.identityProviderLogin(await loginRequest(dana));
  assertOK(res);
  s.dana = res.response;
  assert.equal(typeof s.dana.tokenExpirationInstant, 'number');
  assert.ok(s.dana.tokenExpirationInstant > Date.now());

  const valid = await client.validateJWT(s.dana.token);
  assertOK(valid);
  const jwt = valid.response.jwt;
  assert.equal(jwt.sub, s.dana.user.id);
  assert.equal(jwt.applicationId, s.app.id);
  assert.equal(jwt.tid, s.tenantId);
  assert.equal(jwt.sid, s.dana.refreshTokenId);
  assert.deepEqual(jwt.roles, ['member']);

  const one = await client.retrieveRefreshTokenById(s.dana.refreshTokenId);
  assertOK(one);
  const rt = one.response.refreshToken;
  assert.equal(rt.id, s.dana.refreshTokenId);
  assert.equal(rt.userId, s.dana.user.id);
  assert.equal(rt.applicationId, s.app.id);
  assert.equal(rt.tenantId, s.tenantId);
  assert.equal(typeof rt.startInstant, 'number');
  const all = await client.retrieveRefreshTokens(s.dana.user.id);
  assertOK(all);
  assert.deepEqual(all.response.refreshTokens.map((t) => t.id), [s.dana.refreshTokenId]);
});

test('issueJWT without an application: 400 [missing]applicationId, however the client leaves it out', async () => {
  // issueJWT(null, …) and issueJWT(undefined, …) put applicationId=null or
  // =undefined on the URI: no application, as any omitted parameter.
  for (const applicationId of [null, undefined, '']) {
    const err = await expectFailure(client.issueJWT(applicationId, s.dana.token), 400);
    assert.equal(err.exception.fieldErrors.applicationId[0].code, '[missing]applicationId', String(applicationId));
  }
  const err = await expectFailure(client.issueJWT('not-a-uuid', s.dana.token), 400);
  assert.equal(err.exception.fieldErrors.applicationId[0].code, '[couldNotConvert]applicationId');
});

test('ExistingUserAlreadyLinked: a second Twitter account with the linked user\'s e-mail is refused', async () => {
  const err = await expectFailure(client.identityProviderLogin(await loginRequest(dana2)), 400);
  assert.equal(generalCode(err), '[ExternalAuthenticationException]ExistingUserAlreadyLinked');
  const links = await client.retrieveUserLinksByUserId(twitterId, s.dana.user.id);
  assertOK(links);
  assert.deepEqual(links.response.identityProviderLinks.map((l) => l.identityProviderUserId), [dana.id]);
});

test('LinkByEmailForExistingUser and Disabled: 404 for an account no user matches', async () => {
  try {
    assertOK(await strategy('LinkByEmailForExistingUser'));
    await expectFailure(client.identityProviderLogin(await loginRequest(eve)), 404);
    assertOK(await strategy('Disabled'));
    await expectFailure(client.identityProviderLogin(await loginRequest(eve)), 404);
    // An existing link still logs in, whatever the strategy.
    const res = await client.identityProviderLogin(await loginRequest(dana));
    assertOK(res);
    assert.equal(res.response.user.id, s.dana.user.id);
  } finally {
    assertOK(await strategy('LinkByEmail'));
  }
  await expectFailure(s.scoped.retrieveUserByEmail(eve.email), 404);
});

test('createUserLink with a link: 200 with the link; the account then logs in as that user', async () => {
  const u = await s.scoped.createUser(null, { user: { email: `finn-user-${run}@example.com` } });
  assertOK(u);
  s.finnUser = u.response.user;
  const res = await client.createUserLink({
    identityProviderLink: {
      identityProviderId: twitterId,
      identityProviderUserId: finn.id,
      userId: s.finnUser.id,
      displayName: 'Finn on Twitter',
      token: 'a-token-from-elsewhere',
    },
  });
  assertOK(res);
  const l = res.response.identityProviderLink;
  assert.equal(l.identityProviderId, twitterId);
  assert.equal(l.identityProviderUserId, finn.id);
  assert.equal(l.identityProviderName, 'Twitter');
  assert.equal(l.identityProviderType, 'Twitter');
  assert.equal(l.userId, s.finnUser.id);
  assert.equal(l.tenantId, s.tenantId);
  assert.equal(l.displayName, 'Finn on Twitter');
  assert.equal(l.token, 'a-token-from-elsewhere');
  assert.equal(typeof l.insertInstant, 'number');

  const login = await client.identityProviderLogin(await loginRequest(finn));
  assertOK(login);
  assert.equal(login.response.user.id, s.finnUser.id);
  assert.equal(login.response.user.email, s.finnUser.email, 'the link wins over the e-mail');
});

test('createUserLink refusals: duplicate, unknown user, blank fields, link limit', async () => {
  // The account is linked already, to this user or another.
  for (const userId of [s.finnUser.id, s.dana.user.id]) {
    const err = await expectFailure(client.createUserLink({
      identityProviderLink: { identityProviderId: twitterId, identityProviderUserId: finn.id, userId },
    }), 400);
    assert.equal(err.exception.fieldErrors['identityProviderLink.identityProviderUserId'][0].code,
      '[duplicate]identityProviderLink.identityProviderUserId');
  }
  let err = await expectFailure(client.createUserLink({
    identityProviderLink: { identityProviderId: twitterId, identityProviderUserId: eve.id, userId: randomUUID() },
  }), 400);
  assert.equal(err.exception.fieldErrors['identityProviderLink.userId'][0].code, '[invalid]identityProviderLink.userId');
  err = await expectFailure(client.createUserLink({}), 400);
  for (const field of ['identityProviderId', 'identityProviderUserId', 'userId']) {
    const path = `identityProviderLink.${field}`;
    assert.equal(err.exception.fieldErrors[path][0].code, `[blank]${path}`);
  }
  // The tenant allows one link per user to the provider; dana has hers.
  err = await expectFailure(client.createUserLink({
    identityProviderLink: { identityProviderId: twitterId, identityProviderUserId: eve.id, userId: s.dana.user.id },
  }), 400);
  assert.equal(generalCode(err), '[LinkCountExceeded]');
  await expectFailure(client.retrieveUserLink(twitterId, eve.id, s.dana.user.id), 404);
});

test('retrievePendingLink shows the tenant\'s link policy and the user\'s link count', async () => {
  try {
    assertOK(await strategy('CreatePendingLink'));
    const res = await client.identityProviderLogin(await loginRequest(gus));
    assertOK(res, 232);
    const pending = await client.retrievePendingLink(res.response.pendingIdPLinkId, s.dana.user.id);
    assertOK(pending);
    assert.deepEqual(pending.response.identityProviderTenantConfiguration,
      { limitUserLinkCount: { enabled: true, maximumLinks: 1 } });
    assert.equal(pending.response.linkCount, 1);
    assert.deepEqual(pending.response.pendingIdPLink.identityProviderLinks.map((l) => l.identityProviderUserId), [dana.id]);
    // Completing it for dana would pass the limit; the pending link stays usable.
    const err = await expectFailure(client.createUserLink({
      pendingIdPLinkId: res.response.pendingIdPLinkId, identityProviderLink: { userId: s.dana.user.id },
    }), 400);
    assert.equal(generalCode(err), '[LinkCountExceeded]');
    assertOK(await client.retrievePendingLink(res.response.pendingIdPLinkId, null));
  } finally {
    assertOK(await strategy('LinkByEmail'));
  }
});

test('deleteUserLink of a link that does not exist: 404; a missing parameter: [missing]', async () => {
  await expectFailure(client.deleteUserLink(twitterId, eve.id, s.dana.user.id), 404);
  await expectFailure(client.deleteUserLink(twitterId, finn.id, s.dana.user.id), 404);
  const err = await expectFailure(client.deleteUserLink(twitterId, finn.id, null), 400);
  assert.equal(err.exception.fieldErrors.userId[0].code, '[missing]userId');
  // Still linked to its user.
  assertOK(await client.retrieveUserLink(twitterId, finn.id, s.finnUser.id));
});

test('refresh-token revocation: by user and application, by value, by request body', async () => {
  // Dana registers to the other application and gets a refresh token there
  // through the JWT Issue API.
  assertOK(await client.register(s.dana.user.id, { registration: { applicationId: s.other.id } }));
  const issued = await client.issueJWT(s.other.id, s.dana.token, s.dana.refreshToken);
  assertOK(issued);
  const otherToken = issued.response.refreshToken;
  assert.equal(typeof otherToken, 'string');
  const finnLogin = (await client.identityProviderLogin(await loginRequest(finn))).response;

  const refreshes = async (refreshToken) => {
    try {
      assertOK(await client.exchangeRefreshTokenForJWT({ refreshToken }));
      return true;
    } catch (err) {
      assert.equal(err.statusCode, 400, JSON.stringify(err.exception));
      assert.equal(err.exception.fieldErrors.refreshToken[0].code, '[invalid]refreshToken');
      return false;
    }
  };

  // Only dana's token for s.app goes; her other one and finn's stay.
  assertOK(await client.revokeRefreshTokensByUserIdForApplication(s.dana.user.id, s.app.id));
  assert.equal(await refreshes(s.dana.refreshToken), false);
  assert.equal(await refreshes(otherToken), true);
  assert.equal(await refreshes(finnLogin.refreshToken), true);
  await expectFailure(client.retrieveRefreshTokenById(s.dana.refreshTokenId), 404);

  assertOK(await client.revokeRefreshTokenByToken(otherToken));
  assert.equal(await refreshes(otherToken), false);
  await expectFailure(client.revokeRefreshTokenByToken(otherToken), 404);

  // The request-body form (DELETE with JSON).
  assertOK(await client.revokeRefreshTokensWithRequest({ userId: s.finnUser.id }));
  assert.equal(await refreshes(finnLogin.refreshToken), false);
  const left = await client.retrieveRefreshTokens(s.finnUser.id);
  assertOK(left);
  assert.deepEqual(left.response.refreshTokens, []);
  await expectFailure(client.revokeRefreshTokensWithRequest({}), 400);
});

test('deleteRegistrationWithRequest and deleteTenantWithRequest', async () => {
  assertOK(await s.scoped.deleteRegistrationWithRequest(s.dana.user.id, s.other.id, {}));
  await expectFailure(s.scoped.retrieveRegistration(s.dana.user.id, s.other.id), 404);
  assertOK(await client.deleteIdentityProvider(twitterId));
  assertOK(await client.deleteTenantWithRequest(s.tenantId, {}));
  await expectFailure(client.retrieveTenant(s.tenantId), 404);
  await expectFailure(client.retrieveUser(s.dana.user.id), 404);
  s.tenantId = undefined;
});
