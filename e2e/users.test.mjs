// Tenants, applications, users and registrations through the official
// FusionAuth TypeScript client. The file makes its own tenant and deletes it
// at the end, so the server is back to one tenant for the files after it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { newClient, expectFailure, assertOK } from './helpers.mjs';

const client = newClient();
const run = randomUUID().slice(0, 8);
const email = `ann-${run}@example.com`;
const username = `ann-${run}`;

// Filled in as the tests go; they run in order.
const s = {};

after(async () => {
  if (s.tenantId) {
    await client.deleteTenant(s.tenantId).catch(() => {});
  }
});

test('createTenant and retrieveTenant', async () => {
  const res = await client.createTenant(null, {
    tenant: {
      name: `e2e users ${run}`,
      issuer: 'e2e.example.com',
      jwtConfiguration: { timeToLiveInSeconds: 600, refreshTokenUsagePolicy: 'OneTimeUse' },
    },
  });
  assertOK(res);
  const t = res.response.tenant;
  assert.match(t.id, /^[0-9a-f-]{36}$/);
  assert.equal(t.issuer, 'e2e.example.com');
  assert.equal(t.jwtConfiguration.timeToLiveInSeconds, 600);
  assert.equal(t.jwtConfiguration.refreshTokenUsagePolicy, 'OneTimeUse');
  assert.equal(t.jwtConfiguration.refreshTokenTimeToLiveInMinutes, 43200, 'defaulted');
  s.tenantId = t.id;
  s.scoped = newClient().setTenantId(t.id);

  const again = await client.retrieveTenant(t.id);
  assertOK(again);
  assert.deepEqual(again.response.tenant, t);

  const all = await client.retrieveTenants();
  assertOK(all);
  assert.ok(all.response.tenants.some((x) => x.id === t.id));

  const dup = await expectFailure(client.createTenant(null, { tenant: { name: t.name } }), 400);
  assert.equal(dup.exception.fieldErrors['tenant.name'][0].code, '[duplicate]tenant.name');
});

test('createTenant with sourceTenantId copies the source\'s settings under the new name', async () => {
  const res = await client.createTenant(null, { sourceTenantId: s.tenantId, tenant: { name: `e2e users copy ${run}` } });
  assertOK(res);
  const cp = res.response.tenant;
  try {
    assert.notEqual(cp.id, s.tenantId);
    assert.equal(cp.name, `e2e users copy ${run}`);
    assert.equal(cp.issuer, 'e2e.example.com');
    assert.equal(cp.jwtConfiguration.timeToLiveInSeconds, 600);
    assert.equal(cp.jwtConfiguration.refreshTokenUsagePolicy, 'OneTimeUse');
    const unknown = await expectFailure(client.createTenant(null, { sourceTenantId: randomUUID(), tenant: { name: `e2e nowhere ${run}` } }), 400);
    assert.equal(unknown.exception.fieldErrors.sourceTenantId[0].code, '[invalid]sourceTenantId');
  } finally {
    assertOK(await client.deleteTenant(cp.id));
  }
});

test('createApplication: needs a tenant once there are two; roles get ids', async () => {
  const ambiguous = await expectFailure(client.createApplication(null, { application: { name: 'e2e app' } }), 400);
  assert.equal(ambiguous.exception.generalErrors[0].code, '[TenantIdRequired]');

  const res = await s.scoped.createApplication(null, {
    application: {
      name: 'e2e app',
      roles: [{ name: 'admin', isSuperRole: true }, { name: 'user', isDefault: true }],
      loginConfiguration: { generateRefreshTokens: true },
    },
  });
  assertOK(res);
  const a = res.response.application;
  assert.equal(a.tenantId, s.tenantId);
  assert.equal(a.active, true);
  assert.equal(a.roles.length, 2);
  for (const r of a.roles) {
    assert.match(r.id, /^[0-9a-f-]{36}$/);
  }
  s.app = a;

  const got = await client.retrieveApplication(a.id);
  assertOK(got);
  assert.deepEqual(got.response.application, a);
});

test('createApplication with sourceApplicationId copies it into its tenant, roles under new ids', async () => {
  // No tenant header though there are two tenants: the source's is taken.
  const res = await client.createApplication(null, { sourceApplicationId: s.app.id, application: { name: 'e2e app copy' } });
  assertOK(res);
  const cp = res.response.application;
  try {
    assert.notEqual(cp.id, s.app.id);
    assert.equal(cp.name, 'e2e app copy');
    assert.equal(cp.tenantId, s.tenantId);
    assert.equal(cp.loginConfiguration.generateRefreshTokens, true);
    assert.deepEqual(cp.roles.map((r) => [r.name, r.isDefault, r.isSuperRole]), s.app.roles.map((r) => [r.name, r.isDefault, r.isSuperRole]));
    for (const r of cp.roles) {
      assert.ok(!s.app.roles.some((o) => o.id === r.id), 'a new role id');
    }
    const unknown = await expectFailure(client.createApplication(null, { sourceApplicationId: randomUUID(), application: { name: 'nowhere' } }), 400);
    assert.equal(unknown.exception.fieldErrors.sourceApplicationId[0].code, '[invalid]sourceApplicationId');
  } finally {
    assertOK(await client.deleteApplication(cp.id));
  }
});

test('createUser, then retrieveUser, retrieveUserByEmail, retrieveUserByUsername', async () => {
  const res = await s.scoped.createUser(null, {
    user: { email, username, firstName: 'Ann', preferredLanguages: ['en'], data: { favourite: 'blue' } },
    skipVerification: true,
  });
  assertOK(res);
  const u = res.response.user;
  assert.match(u.id, /^[0-9a-f-]{36}$/);
  assert.equal(u.tenantId, s.tenantId);
  assert.equal(u.email, email);
  assert.equal(u.active, true);
  assert.equal(u.verified, true);
  assert.equal(u.usernameStatus, 'ACTIVE');
  s.user = u;

  // By id the tenant comes from the user: no header needed.
  const byId = await client.retrieveUser(u.id);
  assertOK(byId);
  assert.deepEqual(byId.response.user, u);

  const byEmail = await s.scoped.retrieveUserByEmail(email.toUpperCase());
  assertOK(byEmail);
  assert.equal(byEmail.response.user.id, u.id);
  const byUsername = await s.scoped.retrieveUserByUsername(username);
  assertOK(byUsername);
  assert.equal(byUsername.response.user.id, u.id);

  const ambiguous = await expectFailure(client.retrieveUserByEmail(email), 400);
  assert.equal(ambiguous.exception.generalErrors[0].code, '[TenantIdRequired]');
  await expectFailure(s.scoped.retrieveUserByEmail(`nobody-${run}@example.com`), 404);
});

test('createUser refusals: duplicate e-mail, password, bad e-mail', async () => {
  const dup = await expectFailure(s.scoped.createUser(null, { user: { email: email.toUpperCase() } }), 400);
  assert.equal(dup.exception.fieldErrors['user.email'][0].code, '[duplicate]user.email');
  const pw = await expectFailure(s.scoped.createUser(null, { user: { email: `pw-${run}@example.com`, password: 'secret-password' } }), 400);
  assert.equal(pw.exception.fieldErrors['user.password'][0].code, '[notSupported]user.password');
  const bad = await expectFailure(s.scoped.createUser(null, { user: { email: 'not-an-email' } }), 400);
  assert.equal(bad.exception.fieldErrors['user.email'][0].code, '[notEmail]user.email');
});

test('patchUser appends preferredLanguages (legacy merge)', async () => {
  const res = await client.patchUser(s.user.id, { user: { preferredLanguages: ['fr'], lastName: 'Example' } });
  assertOK(res);
  assert.deepEqual(res.response.user.preferredLanguages, ['en', 'fr']);
  assert.equal(res.response.user.lastName, 'Example');
  assert.equal(res.response.user.firstName, 'Ann');
});

test('createUser two-factor methods: each gets an id; one without its phone is refused', async () => {
  const res = await s.scoped.createUser(null, {
    user: {
      email: `tf-${run}@example.com`,
      twoFactor: {
        methods: [
          { method: 'authenticator', secret: 'aGVsbG8Kd29ybGQKaGVsbG8gaGVsbG8=', authenticator: { algorithm: 'HmacSHA1', codeLength: 6, timeStep: 30 } },
          { method: 'sms', mobilePhone: '555-555-5555' },
          { method: 'email', email: `tf-${run}@example.com` },
        ],
      },
    },
  });
  assertOK(res);
  const methods = res.response.user.twoFactor.methods;
  assert.deepEqual(methods.map((m) => m.method), ['authenticator', 'sms', 'email']);
  for (const m of methods) {
    assert.match(m.id, /^[A-Z2-7]{4}$/);
  }
  assert.deepEqual(methods[0].authenticator, { algorithm: 'HmacSHA1', codeLength: 6, timeStep: 30 });
  assert.equal(methods[1].authenticator, undefined);
  // patchUser (legacy merge) appends: the e-mail method sent again
  // without its id is the stored one.
  const again = await client.patchUser(res.response.user.id, { user: { twoFactor: { methods: [{ method: 'email', email: `tf-${run}@example.com` }] } } });
  assertOK(again);
  assert.deepEqual(again.response.user.twoFactor.methods, methods);

  const bad = await expectFailure(s.scoped.createUser(null, { user: { email: `tf-bad-${run}@example.com`, twoFactor: { methods: [{ method: 'email' }, { method: 'sms' }] } } }), 400);
  assert.equal(bad.exception.fieldErrors['user.twoFactor.methods[0].email'][0].code, '[blank]user.twoFactor.methods[0].email');
  assert.equal(bad.exception.fieldErrors['user.twoFactor.methods[1].mobilePhone'][0].code, '[blank]user.twoFactor.methods[1].mobilePhone');
  await expectFailure(s.scoped.retrieveUserByEmail(`tf-bad-${run}@example.com`), 404);
});

test('register gives the default roles; retrieveRegistration', async () => {
  const res = await client.register(s.user.id, { registration: { applicationId: s.app.id, username: 'annie' } });
  assertOK(res);
  const reg = res.response.registration;
  assert.equal(reg.applicationId, s.app.id);
  assert.deepEqual(reg.roles, ['user']);
  assert.equal(reg.verified, true);
  assert.equal(res.response.user.id, s.user.id);
  assert.deepEqual(res.response.user.registrations, [reg]);

  const got = await client.retrieveRegistration(s.user.id, s.app.id);
  assertOK(got);
  assert.deepEqual(got.response.registration, reg);

  const dup = await expectFailure(client.register(s.user.id, { registration: { applicationId: s.app.id } }), 400);
  assert.equal(dup.exception.fieldErrors['registration.applicationId'][0].code, '[duplicate]registration.applicationId');

  const user = await client.retrieveUser(s.user.id);
  assertOK(user);
  assert.deepEqual(user.response.user.registrations, [reg]);
});

test('a client scoped to another tenant finds none of this tenant\'s objects: empty 404s, nothing changed', async () => {
  const tenants = await client.retrieveTenants();
  assertOK(tenants);
  const otherId = tenants.response.tenants.find((t) => t.id !== s.tenantId).id;
  const other = newClient().setTenantId(otherId);
  const before = {
    user: (await client.retrieveUser(s.user.id)).response.user,
    app: (await client.retrieveApplication(s.app.id)).response.application,
  };
  const roleId = s.app.roles[0].id;
  const calls = {
    retrieveUser: () => other.retrieveUser(s.user.id),
    retrieveUserByEmail: () => other.retrieveUserByEmail(email),
    retrieveUserByLoginId: () => other.retrieveUserByLoginId(username),
    updateUser: () => other.updateUser(s.user.id, { user: { email, firstName: 'Other' } }),
    patchUser: () => other.patchUser(s.user.id, { user: { firstName: 'Other' } }),
    deactivateUser: () => other.deactivateUser(s.user.id),
    deleteUser: () => other.deleteUser(s.user.id),
    retrieveApplication: () => other.retrieveApplication(s.app.id),
    patchApplication: () => other.patchApplication(s.app.id, { application: { name: 'Other' } }),
    deactivateApplication: () => other.deactivateApplication(s.app.id),
    createApplicationRole: () => other.createApplicationRole(s.app.id, null, { role: { name: 'other' } }),
    patchApplicationRole: () => other.patchApplicationRole(s.app.id, roleId, { role: { description: 'other' } }),
    deleteApplicationRole: () => other.deleteApplicationRole(s.app.id, roleId),
    register: () => other.register(s.user.id, { registration: { applicationId: s.app.id } }),
    retrieveRegistration: () => other.retrieveRegistration(s.user.id, s.app.id),
    patchRegistration: () => other.patchRegistration(s.user.id, { registration: { applicationId: s.app.id, data: { k: 'v' } } }),
    deleteRegistration: () => other.deleteRegistration(s.user.id, s.app.id),
    revokeRefreshTokensByUserId: () => other.revokeRefreshTokensByUserId(s.user.id),
  };
  for (const [name, call] of Object.entries(calls)) {
    const err = await expectFailure(call(), 404);
    assert.equal(err.exception, undefined, `${name}: an empty 404`);
  }
  assert.deepEqual((await client.retrieveUser(s.user.id)).response.user, before.user);
  assert.deepEqual((await client.retrieveApplication(s.app.id)).response.application, before.app);
});

test('register answers a token validateJWT accepts and a refresh token, for an existing user and combined', async () => {
  // The application generates refresh tokens; the tenant signs with its
  // issuer and a 600-second lifetime (tests above). s.user is registered
  // already: another user, then the combined create.
  const other = await s.scoped.createUser(null, { user: { email: `reg-token-${run}@example.com` } });
  assertOK(other);
  const answers = [
    await client.register(other.response.user.id, { registration: { applicationId: s.app.id } }),
    await client.register(null, { user: { email: `combined-${run}@example.com` }, registration: { applicationId: s.app.id } }),
  ];
  for (const res of answers) {
    assertOK(res);
    const { token, tokenExpirationInstant, refreshToken, refreshTokenId, user } = res.response;
    assert.equal(typeof token, 'string');
    assert.equal(typeof refreshToken, 'string');
    assert.match(refreshTokenId, /^[0-9a-f-]{36}$/);

    const valid = await client.validateJWT(token);
    assertOK(valid);
    const jwt = valid.response.jwt;
    assert.equal(jwt.authenticationType, 'REGISTRATION');
    assert.equal(jwt.sub, user.id);
    assert.equal(jwt.aud, s.app.id);
    assert.equal(jwt.applicationId, s.app.id);
    assert.deepEqual(jwt.roles, ['user']);
    assert.equal(jwt.iss, 'e2e.example.com');
    assert.equal(jwt.tid, s.tenantId);
    assert.equal(jwt.sid, refreshTokenId);
    assert.equal(jwt.exp - jwt.iat, 600);
    assert.equal(tokenExpirationInstant, jwt.exp * 1000);

    const refreshed = await client.exchangeRefreshTokenForJWT({ refreshToken });
    assertOK(refreshed);
    assert.equal(typeof refreshed.response.token, 'string');
  }
});

test('exchangeRefreshTokenForJWT after deleteRegistration: 200, a token without applicationId and roles', async () => {
  // FusionAuth refreshes a user no longer registered to the token's
  // application into a token without the application's claims
  // (fusionauth-issues #1748); the refresh docs refuse only an expired,
  // unknown or revoked refresh token.
  const res = await client.register(null, { user: { email: `unreg-refresh-${run}@example.com` }, registration: { applicationId: s.app.id } });
  assertOK(res);
  const { refreshToken, refreshTokenId, user } = res.response;
  assertOK(await client.deleteRegistration(user.id, s.app.id));

  const refreshed = await client.exchangeRefreshTokenForJWT({ refreshToken });
  assertOK(refreshed);
  assert.equal(refreshed.response.refreshTokenId, refreshTokenId);
  const valid = await client.validateJWT(refreshed.response.token);
  assertOK(valid);
  const jwt = valid.response.jwt;
  assert.equal(jwt.sub, user.id);
  assert.equal(jwt.aud, s.app.id);
  assert.equal(jwt.authenticationType, 'REFRESH_TOKEN');
  assert.equal(jwt.applicationId, undefined);
  assert.equal(jwt.roles, undefined);
});

test('Application Role API: registrations follow a renamed and a deleted role', async () => {
  const roleId = randomUUID();
  const created = await client.createApplicationRole(s.app.id, roleId, { role: { name: 'editor', description: 'writes' } });
  assertOK(created);
  assert.equal(created.response.role.id, roleId);
  assert.equal(created.response.role.description, 'writes');
  const generated = await client.createApplicationRole(s.app.id, null, { role: { name: 'viewer' } });
  assertOK(generated);
  assert.match(generated.response.role.id, /^[0-9a-f-]{36}$/);
  const dup = await expectFailure(client.createApplicationRole(s.app.id, null, { role: { name: 'EDITOR' } }), 400);
  assert.equal(dup.exception.fieldErrors['role.name'][0].code, '[duplicate]role.name');

  assertOK(await client.patchRegistration(s.user.id, { registration: { applicationId: s.app.id, roles: ['editor'] } }));
  const roles = async () => (await client.retrieveRegistration(s.user.id, s.app.id)).response.registration.roles;
  // A registration's roles are a sorted set (FusionAuth's SortedSet<String>).
  assert.deepEqual(await roles(), ['editor', 'user']);

  const renamed = await client.updateApplicationRole(s.app.id, roleId, { role: { name: 'author' } });
  assertOK(renamed);
  assert.equal(renamed.response.role.name, 'author');
  assert.equal(renamed.response.role.description, undefined, 'PUT replaces');
  assert.deepEqual(await roles(), ['author', 'user']);

  const patched = await client.patchApplicationRole(s.app.id, roleId, { role: { isSuperRole: true } });
  assertOK(patched);
  assert.equal(patched.response.role.name, 'author');
  assert.equal(patched.response.role.isSuperRole, true);

  assertOK(await client.deleteApplicationRole(s.app.id, roleId));
  assert.deepEqual(await roles(), ['user']);
  await expectFailure(client.deleteApplicationRole(s.app.id, roleId), 404);
  const app = await client.retrieveApplication(s.app.id);
  assert.deepEqual(app.response.application.roles.map((r) => r.name), ['admin', 'user', 'viewer']);
});

test('retrieveApplications lists the active ones, retrieveInactiveApplications the others', async () => {
  const res = await s.scoped.createApplication(null, { application: { name: 'e2e inactive', active: false } });
  assertOK(res);
  const inactiveId = res.response.application.id;
  const active = await s.scoped.retrieveApplications();
  assertOK(active);
  assert.deepEqual(active.response.applications.map((a) => a.id), [s.app.id]);
  const inactive = await s.scoped.retrieveInactiveApplications();
  assertOK(inactive);
  assert.deepEqual(inactive.response.applications.map((a) => a.id), [inactiveId]);
});

test('retrieveJWTPublicKeyByApplicationId: the key of the application\'s tenant, none for HMAC', async () => {
  const key = await client.generateKey(null, { key: { algorithm: 'RS256', name: `e2e app key ${run}`, length: 2048 } });
  assertOK(key);
  s.keyId = key.response.key.id;
  assertOK(await client.patchTenant(s.tenantId, { tenant: { jwtConfiguration: { accessTokenKeyId: s.keyId } } }));
  const pk = await client.retrieveJWTPublicKeyByApplicationId(s.app.id);
  assertOK(pk);
  assert.equal(pk.response.publicKey, key.response.key.publicKey);
  await expectFailure(client.retrieveJWTPublicKeyByApplicationId(randomUUID()), 404);
});

test('deleteUserWithRequest({hardDelete: true}) deletes for good', async () => {
  const res = await s.scoped.createUser(null, { user: { email: `gone-${run}@example.com` } });
  assertOK(res);
  const id = res.response.user.id;
  assertOK(await client.deleteUserWithRequest(id, { hardDelete: true }));
  await expectFailure(client.retrieveUser(id), 404);
});

test('deleteRegistrationWithRequest and deleteUserWithRequest read the body\'s eventInfo', async () => {
  // RegistrationDeleteRequest and UserDeleteSingleRequest carry eventInfo
  // (BaseEventRequest); one of the wrong type is refused, nothing deleted.
  const bad = await expectFailure(client.deleteRegistrationWithRequest(s.user.id, s.app.id, { eventInfo: { ipAddress: 5 } }), 400);
  assert.equal(bad.exception.fieldErrors['eventInfo.ipAddress'][0].code, '[invalidJSON]eventInfo.ipAddress');
  assertOK(await client.retrieveRegistration(s.user.id, s.app.id));
  const badUser = await expectFailure(client.deleteUserWithRequest(s.user.id, { hardDelete: true, eventInfo: { location: { city: 7 } } }), 400);
  assert.equal(badUser.exception.fieldErrors['eventInfo.location.city'][0].code, '[invalidJSON]eventInfo.location.city');
  assertOK(await client.retrieveUser(s.user.id));

  assertOK(await client.deleteRegistrationWithRequest(s.user.id, s.app.id, { eventInfo: { ipAddress: '203.0.113.7', os: 'Android' } }));
  await expectFailure(client.retrieveRegistration(s.user.id, s.app.id), 404);
});

test('deleteUser removes the user and their registrations', async () => {
  const res = await client.deleteUser(s.user.id);
  assertOK(res);
  await expectFailure(client.retrieveUser(s.user.id), 404);
  await expectFailure(client.retrieveRegistration(s.user.id, s.app.id), 404);
  await expectFailure(s.scoped.retrieveUserByEmail(email), 404);
});

test('deleteTenant: the file leaves one tenant behind', async () => {
  const res = await client.deleteTenant(s.tenantId);
  assertOK(res);
  if (s.keyId) {
    assertOK(await client.deleteKey(s.keyId));
  }
  await expectFailure(client.retrieveTenant(s.tenantId), 404);
  await expectFailure(client.retrieveApplication(s.app.id), 404);
  s.tenantId = undefined;
});

test('features authcore lacks answer 404, not a bad-id 400', async () => {
  // Each of these paths would otherwise reach a served {id} route.
  const cases = [
    ['searchUsersByQuery', () => client.searchUsersByQuery({ search: { queryString: '*' } })],
    ['importUsers', () => client.importUsers({ users: [] })],
    ['forgotPassword', () => client.forgotPassword({ loginId: email })],
    ['searchTenants', () => client.searchTenants({ search: { name: '*' } })],
    ['searchApplications', () => client.searchApplications({ search: { name: '*' } })],
    // No user holds an id of these flows authcore lacks: not found, rather
    // than a 400 saying no user was named.
    ['retrieveUserByVerificationId', () => client.retrieveUserByVerificationId('YkQY5Gsyo4RlfmDciBGRmvfj3RmatUqrbjoIZ19fmw4')],
    ['retrieveUserByChangePasswordId', () => client.retrieveUserByChangePasswordId('3ZNxCaK0Dz8WrRBo4XlQ0jZCAr9sxzJHKeNNbjNPiQA')],
  ];
  for (const [name, call] of cases) {
    const res = await expectFailure(call(), 404);
    assert.equal(res.exception, undefined, `${name}: no Errors object`);
  }
});
