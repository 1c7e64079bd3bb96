// Every patch* method of the official FusionAuth TypeScript client for the
// objects authcore serves: patchTenant, patchApplication,
// patchApplicationRole, patchUser, patchRegistration, patchIdentityProvider
// and patchIntegrations. The client sends them as Content-Type
// application/json, FusionAuth's original PATCH: objects merge, null removes,
// arrays append (cleanspeak.applicationIds, a set, is replaced). For each:
// read-only fields (id, tenantId, insertInstant, type) keep their stored
// values, and a patch that leaves the object invalid is refused with the
// Errors object a PUT of the same object gets, and stores nothing.
//
// The file makes its own tenant (so the server has two while it runs), and
// deletes it, the Twitter provider and its integrations changes at the end.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { newClient, expectFailure, assertOK } from './helpers.mjs';

const client = newClient();
const run = randomUUID().slice(0, 8);
const twitterId = '45bb233c-0901-4236-b5ca-ac46e2e0a5a5';

// Filled in as the tests go; they run in order.
const s = {};

after(async () => {
  await client.deleteIdentityProvider(twitterId).catch(() => {});
  await client.updateIntegrations({
    integrations: { cleanspeak: { enabled: false, usernameModeration: { enabled: false } }, kafka: { enabled: false } },
  }).catch(() => {});
  if (s.tenantId) {
    await client.deleteTenant(s.tenantId).catch(() => {});
  }
});

/**
 * Calls patchCall, then putCall, and asserts that both are refused with the
 * same 400 Errors object and that retrieve() still answers what it did
 * before either.
 */
async function refusedLikePut(patchCall, putCall, retrieve, field, code) {
  const before = (await retrieve()).response;
  const p = await expectFailure(patchCall(), 400);
  const u = await expectFailure(putCall(), 400);
  assert.deepEqual(p.exception, u.exception, 'PATCH and PUT give the same Errors object');
  assert.equal(p.exception.fieldErrors[field][0].code, code);
  assert.deepEqual((await retrieve()).response, before, 'nothing stored');
}

test('patchTenant: null removes, arrays append, read-only fields kept, invalid refused', async () => {
  const created = await client.createTenant(null, { tenant: { name: `e2e patch ${run}`, data: { tags: ['a'], gone: 'x' } } });
  assertOK(created);
  const t = created.response.tenant;
  s.tenantId = t.id;
  s.scoped = newClient().setTenantId(t.id);

  const res = await client.patchTenant(t.id, {
    tenant: { id: randomUUID(), insertInstant: 1, issuer: 'patch.example.com', data: { tags: ['b'], gone: null } },
  });
  assertOK(res);
  const p = res.response.tenant;
  assert.equal(p.id, t.id);
  assert.equal(p.insertInstant, t.insertInstant);
  assert.equal(p.name, t.name, 'untouched');
  assert.equal(p.issuer, 'patch.example.com');
  assert.deepEqual(p.data, { tags: ['a', 'b'] });
  assert.deepEqual((await client.retrieveTenant(t.id)).response.tenant, p);

  await refusedLikePut(
    () => client.patchTenant(t.id, { tenant: { name: null } }),
    () => client.updateTenant(t.id, { tenant: { issuer: 'patch.example.com' } }),
    () => client.retrieveTenant(t.id),
    'tenant.name', '[blank]tenant.name');
});

test('patchApplication: null removes, arrays append, roles and read-only fields kept, invalid refused', async () => {
  const created = await s.scoped.createApplication(null, {
    application: { name: 'e2e patch app', roles: [{ name: 'admin' }, { name: 'user', isDefault: true }], data: { tags: ['a'], gone: 1 } },
  });
  assertOK(created);
  const a = created.response.application;
  s.app = a;

  const res = await client.patchApplication(a.id, {
    application: { id: randomUUID(), tenantId: randomUUID(), insertInstant: 1, name: 'e2e patched app', data: { tags: ['b'], gone: null } },
  });
  assertOK(res);
  const p = res.response.application;
  assert.equal(p.id, a.id);
  assert.equal(p.tenantId, s.tenantId);
  assert.equal(p.insertInstant, a.insertInstant);
  assert.equal(p.name, 'e2e patched app');
  assert.equal(p.active, true);
  assert.deepEqual(p.roles, a.roles, 'roles not named by the patch are kept');
  assert.deepEqual(p.data, { tags: ['a', 'b'] });
  assert.deepEqual((await client.retrieveApplication(a.id)).response.application, p);

  await refusedLikePut(
    () => client.patchApplication(a.id, { application: { name: null } }),
    () => client.updateApplication(a.id, { application: { roles: p.roles } }),
    () => client.retrieveApplication(a.id),
    'application.name', '[blank]application.name');
});

test('patchApplication of the application as retrieved: its roles are not repeated', async () => {
  // The usual read-modify-write: the roles the client sends back are the
  // stored ones, which the append of application/json would repeat.
  const app = (await client.retrieveApplication(s.app.id)).response.application;
  const res = await client.patchApplication(s.app.id, { application: { ...app, name: 'e2e sent back' } });
  assertOK(res);
  const p = res.response.application;
  assert.equal(p.name, 'e2e sent back');
  assert.deepEqual(p.roles, app.roles);
  assert.deepEqual((await client.retrieveApplication(s.app.id)).response.application, p);
});

test('patchApplicationRole: null removes, the id kept, invalid refused', async () => {
  const role = s.app.roles.find((r) => r.name === 'admin');
  assertOK(await client.updateApplicationRole(s.app.id, role.id, { role: { name: 'admin', description: 'all of it' } }));

  const res = await client.patchApplicationRole(s.app.id, role.id, {
    role: { id: randomUUID(), insertInstant: 1, description: null, isSuperRole: true },
  });
  assertOK(res);
  const p = res.response.role;
  assert.equal(p.id, role.id);
  assert.equal(p.insertInstant, role.insertInstant);
  assert.equal(p.name, 'admin');
  assert.equal(p.description, undefined, 'null removed it');
  assert.equal(p.isSuperRole, true);
  const app = (await client.retrieveApplication(s.app.id)).response.application;
  assert.deepEqual(app.roles.find((r) => r.id === role.id), p);

  await refusedLikePut(
    () => client.patchApplicationRole(s.app.id, role.id, { role: { name: 'USER' } }),
    () => client.updateApplicationRole(s.app.id, role.id, { role: { name: 'USER' } }),
    () => client.retrieveApplication(s.app.id),
    'role.name', '[duplicate]role.name');
});

test('patchUser: null removes, arrays append, read-only fields kept, invalid refused', async () => {
  const created = await s.scoped.createUser(null, {
    user: { email: `patch-${run}@example.com`, firstName: 'Pat', preferredLanguages: ['en'], data: { tags: ['a'], gone: true } },
    skipVerification: true,
  });
  assertOK(created);
  const u = created.response.user;
  s.user = u;

  const res = await client.patchUser(u.id, {
    user: { id: randomUUID(), tenantId: randomUUID(), insertInstant: 1, firstName: null, lastName: 'Patched', preferredLanguages: ['fr'], data: { tags: ['b'], gone: null } },
  });
  assertOK(res);
  const p = res.response.user;
  assert.equal(p.id, u.id);
  assert.equal(p.tenantId, s.tenantId);
  assert.equal(p.insertInstant, u.insertInstant);
  assert.equal(p.email, u.email);
  assert.equal(p.verified, true);
  assert.equal(p.firstName, undefined, 'null removed it');
  assert.equal(p.lastName, 'Patched');
  assert.deepEqual(p.preferredLanguages, ['en', 'fr']);
  assert.deepEqual(p.data, { tags: ['a', 'b'] });
  assert.deepEqual((await client.retrieveUser(u.id)).response.user, p);

  await refusedLikePut(
    () => client.patchUser(u.id, { user: { email: 'not-an-email' } }),
    () => client.updateUser(u.id, { user: { email: 'not-an-email' } }),
    () => client.retrieveUser(u.id),
    'user.email', '[notEmail]user.email');
});

test('patchRegistration: roles append, null removes, read-only fields kept, invalid refused', async () => {
  const created = await client.register(s.user.id, { registration: { applicationId: s.app.id, data: { tags: ['a'], gone: 1 } } });
  assertOK(created);
  const r = created.response.registration;
  assert.deepEqual(r.roles, ['user'], 'the default role');

  const res = await client.patchRegistration(s.user.id, {
    registration: { applicationId: s.app.id, id: randomUUID(), insertInstant: 1, roles: ['admin'], data: { tags: ['b'], gone: null } },
  });
  assertOK(res);
  const p = res.response.registration;
  assert.equal(p.id, r.id);
  assert.equal(p.applicationId, s.app.id);
  assert.equal(p.insertInstant, r.insertInstant);
  assert.deepEqual(p.roles, ['admin', 'user'], 'appended, then sorted: a registration\'s roles are a sorted set');
  assert.deepEqual(p.data, { tags: ['a', 'b'] });
  assert.deepEqual((await client.retrieveRegistration(s.user.id, s.app.id)).response.registration, p);

  await refusedLikePut(
    () => client.patchRegistration(s.user.id, { registration: { applicationId: s.app.id, roles: ['nobody'] } }),
    () => client.updateRegistration(s.user.id, { registration: { applicationId: s.app.id, roles: ['user', 'admin', 'nobody'] } }),
    () => client.retrieveRegistration(s.user.id, s.app.id),
    'registration.roles', '[invalid]registration.roles');
});

test('patchIdentityProvider: null removes a map entry\'s field, read-only fields kept, invalid refused', async () => {
  await client.deleteIdentityProvider(twitterId).catch(() => {});
  const created = await client.createIdentityProvider(twitterId, {
    identityProvider: {
      type: 'Twitter', buttonText: 'Twitter', consumerKey: 'ck', consumerSecret: 'cs', enabled: true,
      applicationConfiguration: { [s.app.id]: { enabled: true, buttonText: 'App button' } },
    },
  });
  assertOK(created);
  const idp = created.response.identityProvider;

  const res = await client.patchIdentityProvider(twitterId, {
    identityProvider: {
      id: randomUUID(), type: 'Google', name: 'Not Twitter', insertInstant: 1, buttonText: 'Sign in with Twitter',
      applicationConfiguration: { [s.app.id]: { buttonText: null } },
    },
  });
  assertOK(res);
  const p = res.response.identityProvider;
  assert.equal(p.id, twitterId);
  assert.equal(p.type, 'Twitter');
  assert.equal(p.name, 'Twitter');
  assert.equal(p.insertInstant, idp.insertInstant);
  assert.equal(p.buttonText, 'Sign in with Twitter');
  assert.equal(p.consumerSecret, 'cs', 'untouched');
  assert.deepEqual(p.applicationConfiguration, { [s.app.id]: { enabled: true, createRegistration: true } });
  assert.deepEqual((await client.retrieveIdentityProvider(twitterId)).response.identityProvider, p);

  await refusedLikePut(
    () => client.patchIdentityProvider(twitterId, { identityProvider: { consumerKey: null } }),
    () => client.updateIdentityProvider(twitterId, {
      identityProvider: { type: 'Twitter', buttonText: p.buttonText, consumerSecret: 'cs', enabled: true, applicationConfiguration: p.applicationConfiguration },
    }),
    () => client.retrieveIdentityProvider(twitterId),
    'identityProvider.consumerKey', '[blank]identityProvider.consumerKey');

  assertOK(await client.deleteIdentityProvider(twitterId));
});

test('patchIntegrations: null removes a producer entry, applicationIds replaced, invalid refused', async () => {
  const first = randomUUID();
  const second = randomUUID();
  assertOK(await client.updateIntegrations({
    integrations: {
      cleanspeak: { enabled: false, applicationIds: [first], usernameModeration: { enabled: false } },
      kafka: { enabled: false, defaultTopic: 'e2e-patch', producer: { 'client.id': 'e2e', 'linger.ms': '5' } },
    },
  }));

  const res = await client.patchIntegrations({
    integrations: { cleanspeak: { applicationIds: [second] }, kafka: { producer: { 'linger.ms': null, acks: 'all' } } },
  });
  assertOK(res);
  const p = res.response.integrations;
  assert.deepEqual(p.cleanspeak.applicationIds, [second], 'a set: the patch replaces it');
  assert.deepEqual(p.kafka.producer, { 'client.id': 'e2e', acks: 'all' });
  assert.equal(p.kafka.defaultTopic, 'e2e-patch', 'untouched');
  assert.deepEqual((await client.retrieveIntegration()).response.integrations, p);

  await refusedLikePut(
    () => client.patchIntegrations({ integrations: { kafka: { enabled: true, defaultTopic: null } } }),
    () => client.updateIntegrations({ integrations: { cleanspeak: p.cleanspeak, kafka: { enabled: true, producer: p.kafka.producer } } }),
    () => client.retrieveIntegration(),
    'integrations.kafka.defaultTopic', '[blank]integrations.kafka.defaultTopic');
});

test('clean-up: delete the tenant with its application and user', async () => {
  assertOK(await client.deleteTenant(s.tenantId));
  await expectFailure(client.retrieveUser(s.user.id), 404);
  s.tenantId = undefined;
});
