// Update a Key and Search for Keys through the official FusionAuth
// TypeScript client: updateKey renames a key and keeps everything else,
// whatever else the request sends back; searchKeys and
// searchKeysByParameters find it by name, algorithm and type and answer
// {keys, total}. Both are global: a tenant-scoped client is refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { newClient, expectFailure, assertOK } from './helpers.mjs';

const client = newClient();

// The server is shared by every file: names and ids are this run's own.
const tag = `e2e-keys-${randomUUID()}`;
const ecId = randomUUID();
const hmacId = randomUUID();

test('updateKey: only the name changes; the key comes back as retrieveKey shows it', async () => {
  const created = await client.generateKey(ecId, { key: { algorithm: 'ES256', name: `${tag} EC` } });
  assertOK(created);
  assertOK(await client.generateKey(hmacId, { key: { algorithm: 'HS256', name: `${tag} HMAC` } }));
  const before = created.response.key;
  assert.equal(before.lastUpdateInstant, before.insertInstant);

  // The whole retrieved key sent back, with a new name and fields an
  // update may not change.
  const res = await client.updateKey(ecId, {
    key: { ...before, name: `${tag} EC renamed`, algorithm: 'RS256', kid: 'another-kid', secret: 'not-a-secret-of-this-key' },
  });
  assertOK(res);
  const after = res.response.key;
  assert.equal(after.name, `${tag} EC renamed`);
  assert.ok(after.lastUpdateInstant >= before.insertInstant);
  const { name: _n1, lastUpdateInstant: _l1, ...keptBefore } = before;
  const { name: _n2, lastUpdateInstant: _l2, ...keptAfter } = after;
  assert.deepEqual(keptAfter, keptBefore, 'everything but the name and lastUpdateInstant is kept');
  assert.equal(after.secret, undefined);
  assert.equal(after.privateKey, undefined);

  const again = await client.retrieveKey(ecId);
  assertOK(again);
  assert.deepEqual(again.response.key, after);

  const blank = await expectFailure(client.updateKey(ecId, { key: { name: ' ' } }), 400);
  assert.equal(blank.exception.fieldErrors['key.name'][0].code, '[blank]key.name');
  await expectFailure(client.updateKey(randomUUID(), { key: { name: 'x' } }), 404);
});

test('searchKeys and searchKeysByParameters: {keys, total}, by name, algorithm and type', async () => {
  const all = await client.searchKeys({ search: { name: tag } });
  assertOK(all);
  assert.equal(all.response.total, 2);
  assert.deepEqual(all.response.keys.map((k) => k.id), [ecId, hmacId], 'by name: "… EC renamed" before "… HMAC"');
  for (const k of all.response.keys) {
    assert.equal(k.secret, undefined);
    assert.equal(k.privateKey, undefined);
  }

  const ec = await client.searchKeys({ search: { name: `${tag}*renamed`, algorithm: 'ES256', type: 'EC' } });
  assertOK(ec);
  assert.equal(ec.response.total, 1);
  assert.equal(ec.response.keys[0].name, `${tag} EC renamed`);

  const page = await client.searchKeys({ search: { name: tag, orderBy: 'name DESC', numberOfResults: 1, startRow: 0 } });
  assertOK(page);
  assert.equal(page.response.total, 2);
  assert.deepEqual(page.response.keys.map((k) => k.id), [hmacId]);

  // Omitted arguments go out as "undefined": absent, not a bad value.
  const byParameters = await client.searchKeysByParameters(undefined, tag, undefined, undefined, undefined, 'HMAC');
  assertOK(byParameters);
  assert.equal(byParameters.response.total, 1);
  assert.equal(byParameters.response.keys[0].id, hmacId);

  const none = await client.searchKeys({ search: { name: `${tag}-nothing` } });
  assertOK(none);
  assert.deepEqual(none.response, { keys: [], total: 0 });

  const bad = await expectFailure(client.searchKeys({ search: { type: 'DSA' } }), 400);
  assert.equal(bad.exception.fieldErrors['search.type'][0].code, '[invalid]search.type');
});

test('keys are global: a tenant-scoped client may neither update nor search them', async () => {
  const tenants = await client.retrieveTenants();
  assertOK(tenants);
  const scoped = newClient().setTenantId(tenants.response.tenants[0].id);
  await expectFailure(scoped.updateKey(ecId, { key: { name: 'scoped' } }), 401);
  await expectFailure(scoped.searchKeys({ search: {} }), 401);
  await expectFailure(scoped.searchKeysByParameters(undefined, tag), 401);
  const key = await client.retrieveKey(ecId);
  assertOK(key);
  assert.equal(key.response.key.name, `${tag} EC renamed`);

  assertOK(await client.deleteKey(ecId));
  assertOK(await client.deleteKey(hmacId));
});
