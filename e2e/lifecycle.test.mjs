// The client methods of the served routes that the other files leave out:
// deactivating and reactivating users and applications, deleting a
// registration, the user by login id, the key list and a key's public key,
// and the event log. The file makes its own tenant and deletes it at the end.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { newClient, expectFailure, assertOK } from './helpers.mjs';

const client = newClient();
const run = randomUUID().slice(0, 8);
const s = {};

after(async () => {
  if (s.keyId) {
    await client.deleteKey(s.keyId).catch(() => {});
  }
  if (s.tenantId) {
    await client.deleteTenant(s.tenantId).catch(() => {});
  }
});

test('setup: a tenant, an application with a default role, a registered user', async () => {
  const t = await client.createTenant(null, { tenant: { name: `e2e lifecycle ${run}` } });
  assertOK(t);
  s.tenantId = t.response.tenant.id;
  assert.equal(t.response.tenant.state, 'Active', 'Tenant.state, as FusionAuth answers it');
  const got = await client.retrieveTenant(s.tenantId);
  assertOK(got);
  assert.equal(got.response.tenant.state, 'Active');
  s.scoped = newClient().setTenantId(s.tenantId);
  const a = await s.scoped.createApplication(null, {
    application: { name: `lifecycle ${run}`, roles: [{ name: 'member', isDefault: true }] },
  });
  assertOK(a);
  s.appId = a.response.application.id;
  const u = await s.scoped.createUser(null, {
    user: { email: `Lee-${run}@Example.com`, username: `lee-${run}` },
  });
  assertOK(u);
  s.userId = u.response.user.id;
  assertOK(await s.scoped.register(s.userId, { registration: { applicationId: s.appId } }));
});

test('retrieveUserByLoginId finds the user by email (any case) and by username, limited by loginIdTypes', async () => {
  for (const loginId of [`lee-${run}@example.com`, `LEE-${run}@EXAMPLE.COM`, `lee-${run}`]) {
    const res = await s.scoped.retrieveUserByLoginId(loginId);
    assertOK(res);
    assert.equal(res.response.user.id, s.userId, loginId);
  }
  await expectFailure(s.scoped.retrieveUserByLoginId(`nobody-${run}`), 404);

  const byName = await s.scoped.retrieveUserByLoginIdWithLoginIdTypes(`lee-${run}`, ['username']);
  assertOK(byName);
  assert.equal(byName.response.user.id, s.userId);
  const both = await s.scoped.retrieveUserByLoginIdWithLoginIdTypes(`lee-${run}`, ['email', 'username']);
  assert.equal(both.response.user.id, s.userId);
  await expectFailure(s.scoped.retrieveUserByLoginIdWithLoginIdTypes(`lee-${run}`, ['email']), 404);

  // The types left out: the client sends ?loginIdTypes=undefined (or null),
  // an empty array no parameter; each tries every type.
  for (const types of [undefined, null, []]) {
    for (const loginId of [`lee-${run}@example.com`, `lee-${run}`]) {
      const res = await s.scoped.retrieveUserByLoginIdWithLoginIdTypes(loginId, types);
      assertOK(res);
      assert.equal(res.response.user.id, s.userId, `${loginId} with ${JSON.stringify(types)}`);
    }
  }
});

test('deactivateUser and reactivateUser', async () => {
  assertOK(await s.scoped.deactivateUser(s.userId));
  const off = await s.scoped.retrieveUser(s.userId);
  assertOK(off);
  assert.equal(off.response.user.active, false);

  const on = await s.scoped.reactivateUser(s.userId);
  assertOK(on);
  assert.equal(on.response.user.active, true);
  assert.equal(on.response.user.id, s.userId);
  const again = await s.scoped.retrieveUser(s.userId);
  assert.equal(again.response.user.active, true);
  assert.deepEqual(again.response.user.registrations.map((r) => r.roles), [['member']]);

  await expectFailure(s.scoped.deactivateUser(randomUUID()), 404);
});

test('deactivateApplication and reactivateApplication', async () => {
  assertOK(await s.scoped.deactivateApplication(s.appId));
  const active = await s.scoped.retrieveApplications();
  assertOK(active);
  assert.ok(!(active.response.applications ?? []).some((a) => a.id === s.appId));
  const inactive = await s.scoped.retrieveInactiveApplications();
  assertOK(inactive);
  assert.ok(inactive.response.applications.some((a) => a.id === s.appId && a.active === false && a.state === 'Inactive'));
  const off = await s.scoped.retrieveApplication(s.appId);
  assertOK(off);
  assert.equal(off.response.application.state, 'Inactive', 'state, which FusionAuth prefers to active');

  const back = await s.scoped.reactivateApplication(s.appId);
  assertOK(back);
  assert.equal(back.response.application.active, true);
  assert.equal(back.response.application.state, 'Active');
  assert.deepEqual(back.response.application.roles.map((r) => r.name), ['member']);
});

test('deleteRegistration removes the registration and keeps the user', async () => {
  assertOK(await s.scoped.deleteRegistration(s.userId, s.appId));
  await expectFailure(s.scoped.retrieveRegistration(s.userId, s.appId), 404);
  const u = await s.scoped.retrieveUser(s.userId);
  assertOK(u);
  assert.equal(u.response.user.registrations, undefined);
  await expectFailure(s.scoped.deleteRegistration(s.userId, s.appId), 404);
});

test('retrieveKeys lists a generated key, and retrieveJWTPublicKey gives its PEM', async () => {
  const g = await client.generateKey(undefined, {
    key: { algorithm: 'ES256', name: `e2e lifecycle ${run}` },
  });
  assertOK(g);
  s.keyId = g.response.key.id;

  const all = await client.retrieveKeys();
  assertOK(all);
  const listed = all.response.keys.find((k) => k.id === s.keyId);
  assert.ok(listed, 'the new key is listed');
  assert.equal(listed.publicKey, g.response.key.publicKey);
  assert.ok(all.response.keys.every((k) => k.privateKey === undefined && k.secret === undefined),
    'no private part in the list');

  const pub = await newClient().retrieveJWTPublicKey(s.keyId);
  assertOK(pub);
  assert.equal(pub.response.publicKey, g.response.key.publicKey);
  assert.match(pub.response.publicKey, /^-----BEGIN PUBLIC KEY-----/);
});

test('an application signs with its own key (jwtConfiguration.accessTokenKeyId)', async () => {
  const g = await client.generateKey(undefined, { key: { algorithm: 'RS384', name: `e2e app key ${run}` } });
  assertOK(g);
  const keyId = g.response.key.id;
  // Keys are global: only a request for every tenant (no tenant header)
  // may choose one, as for a tenant's key.
  const scoped = await expectFailure(s.scoped.patchApplication(s.appId, {
    application: { jwtConfiguration: { enabled: true, accessTokenKeyId: keyId } },
  }), 400);
  assert.ok(scoped.exception.fieldErrors['application.jwtConfiguration.accessTokenKeyId']);
  const res = await client.patchApplication(s.appId, {
    application: { jwtConfiguration: { enabled: true, accessTokenKeyId: keyId } },
  });
  assertOK(res);
  assert.equal(res.response.application.jwtConfiguration.accessTokenKeyId, keyId);
  const pub = await newClient().retrieveJWTPublicKeyByApplicationId(s.appId);
  assertOK(pub);
  assert.equal(pub.response.publicKey, g.response.key.publicKey);
  const inUse = await expectFailure(client.deleteKey(keyId), 400);
  assert.equal(inUse.exception.generalErrors[0].code, '[KeyInUse]');
  assertOK(await client.patchApplication(s.appId, { application: { jwtConfiguration: { enabled: false, accessTokenKeyId: null } } }));
  assertOK(await client.deleteKey(keyId));
});

test('searchEventLogs and retrieveEventLog', async () => {
  // An entry to find: a Kafka producer setting authcore ignores is logged
  // when the integration is configured. The integrations are put back after.
  const saved = await client.retrieveIntegration();
  assertOK(saved);
  const marker = `e2e.lifecycle.${run}`;
  try {
    assertOK(await client.updateIntegrations({
      integrations: {
        ...saved.response.integrations,
        kafka: { enabled: true, defaultTopic: 'e2e-lifecycle', producer: { 'bootstrap.servers': '127.0.0.1:9', [marker]: 'x' } },
      },
    }));
    let found;
    for (let i = 0; i < 50 && !found; i++) {
      const res = await client.searchEventLogs({ search: { message: `*${marker}*`, numberOfResults: 5, startRow: 0 } });
      assertOK(res);
      found = res.response.eventLogs[0];
      if (!found) {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    assert.ok(found, 'the ignored producer setting is in the event log');
    assert.equal(found.type, 'Information');
    assert.match(found.message, new RegExp(marker.replaceAll('.', '\\.')));
    const one = await client.retrieveEventLog(found.id);
    assertOK(one);
    assert.deepEqual(one.response.eventLog, found);
  } finally {
    assertOK(await client.updateIntegrations({ integrations: saved.response.integrations }));
  }

  const page = await client.searchEventLogs({ search: { numberOfResults: 1, startRow: 0 } });
  assertOK(page);
  assert.equal(page.response.eventLogs.length, 1);
  assert.ok(page.response.total >= 1);
  const bad = await expectFailure(client.searchEventLogs({ search: { type: 'Loud' } }), 400);
  assert.equal(bad.exception.fieldErrors['search.type'][0].code, '[invalid]search.type');
  // The paging is Java ints (the docs' Integer), as in the other searches.
  const far = await expectFailure(client.searchEventLogs({ search: { numberOfResults: 2 ** 31, startRow: 2 ** 31 } }), 400);
  assert.equal(far.exception.fieldErrors['search.numberOfResults'][0].code, '[invalid]search.numberOfResults');
  assert.equal(far.exception.fieldErrors['search.startRow'][0].code, '[invalid]search.startRow');
  await expectFailure(client.retrieveEventLog(2147483647), 404);
  await expectFailure(client.retrieveEventLog(0), 404); // a Long that names no entry
  await expectFailure(s.scoped.searchEventLogs({ search: {} }), 401);
});
