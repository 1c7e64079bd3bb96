// FusionAuth's API Key API through the official TypeScript client:
// createAPIKey, retrieveAPIKey, updateAPIKey, patchAPIKey and deleteAPIKey
// with the server's key (a key manager), the key shown once, endpoint
// permissions enforced on the new key, and refusals read through the
// ClientResponse's statusCode and Errors object.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { newClient, expectFailure, assertOK } from './helpers.mjs';

const client = newClient();

// The server is shared by every file: ids and keys are this run's own.
const id = randomUUID();
const secret = `e2e-api-key-${randomUUID()}`;

test('createAPIKey, retrieveAPIKey, updateAPIKey, patchAPIKey and deleteAPIKey', async () => {
  const created = await client.createAPIKey(id, {
    apiKey: {
      key: secret,
      name: `e2e ${id}`,
      metaData: { attributes: { description: 'reads tenants' } },
      permissions: { endpoints: { '/api/tenant': ['GET'] } },
    },
  });
  assertOK(created);
  const k = created.response.apiKey;
  assert.equal(k.id, id);
  assert.equal(k.key, secret, 'the create shows the key');
  assert.equal(k.keyManager, false);
  assert.equal(k.retrievable, false);
  assert.equal(k.name, `e2e ${id}`, 'the name is kept');
  assert.equal(k.metaData.attributes.description, 'reads tenants');
  assert.deepEqual(k.permissions.endpoints, { '/api/tenant': ['GET'] });
  assert.equal(typeof k.insertInstant, 'number');
  assert.equal(k.lastUpdateInstant, k.insertInstant);
  assert.equal(k.tenantId, undefined, 'a key for every tenant');

  // The new key may call the endpoint and method it was given, nothing else.
  const limited = newClient(secret);
  assertOK(await limited.retrieveTenants());
  const refused = await expectFailure(limited.retrieveIntegration(), 401);
  assert.equal(refused.exception, undefined, '401 has an empty body');
  await expectFailure(limited.retrieveAPIKey(id), 401);

  const got = await client.retrieveAPIKey(id);
  assertOK(got);
  assert.equal(got.response.apiKey.key, undefined, 'only a hash is kept: a retrieve cannot show the key');
  const { key: _shownOnce, ...withoutKey } = k;
  assert.deepEqual(got.response.apiKey, withoutKey);

  const updated = await client.updateAPIKey(id, {
    apiKey: {
      metaData: { attributes: { description: 'reads and updates tenants' } },
      permissions: { endpoints: { '/api/tenant': ['GET', 'PUT'] } },
    },
  });
  assertOK(updated);
  assert.equal(updated.response.apiKey.metaData.attributes.description, 'reads and updates tenants');
  assert.deepEqual(updated.response.apiKey.permissions.endpoints, { '/api/tenant': ['GET', 'PUT'] });
  assert.equal(updated.response.apiKey.insertInstant, k.insertInstant);
  assert.ok(updated.response.apiKey.lastUpdateInstant >= k.lastUpdateInstant);

  const patched = await client.patchAPIKey(id, { apiKey: { metaData: { attributes: { description: 'patched' } } } });
  assertOK(patched);
  assert.equal(patched.response.apiKey.metaData.attributes.description, 'patched');
  assert.deepEqual(patched.response.apiKey.permissions.endpoints, { '/api/tenant': ['GET', 'PUT'] },
    'a patch keeps what it does not name');

  assertOK(await client.deleteAPIKey(id));
  await expectFailure(client.retrieveAPIKey(id), 404);
  await expectFailure(limited.retrieveTenants(), 401);
});

test('createAPIKey refuses an endpoint authcore does not serve, and a second key with one id', async () => {
  const n = randomUUID();
  const err = await expectFailure(client.createAPIKey(n, {
    apiKey: { permissions: { endpoints: { '/api/nope': ['GET'] } } },
  }), 400);
  assert.deepEqual(Object.keys(err.exception.fieldErrors), ['apiKey.permissions.endpoints']);
  assert.equal(err.exception.fieldErrors['apiKey.permissions.endpoints'][0].code, '[invalid]apiKey.permissions.endpoints');
  await expectFailure(client.retrieveAPIKey(n), 404);

  assertOK(await client.createAPIKey(n, { apiKey: {} }));
  const dup = await expectFailure(client.createAPIKey(n, { apiKey: {} }), 400);
  assert.equal(dup.exception.fieldErrors.apiKeyId[0].code, '[duplicate]apiKeyId');
  assertOK(await client.deleteAPIKey(n));
});

test('createAPIKey and updateAPIKey refuse a name another key has, in any case', async () => {
  const a = randomUUID();
  const b = randomUUID();
  assertOK(await client.createAPIKey(a, { apiKey: { name: `Named ${a}` } }));
  const dup = await expectFailure(client.createAPIKey(b, { apiKey: { name: `NAMED ${a}` } }), 400);
  assert.deepEqual(Object.keys(dup.exception.fieldErrors), ['apiKey.name']);
  assert.equal(dup.exception.fieldErrors['apiKey.name'][0].code, '[duplicate]apiKey.name');
  await expectFailure(client.retrieveAPIKey(b), 404);

  assertOK(await client.createAPIKey(b, { apiKey: { name: `Named ${b}` } }));
  const renamed = await expectFailure(client.updateAPIKey(b, { apiKey: { name: `named ${a}` } }), 400);
  assert.equal(renamed.exception.fieldErrors['apiKey.name'][0].code, '[duplicate]apiKey.name');
  const kept = await client.retrieveAPIKey(b);
  assertOK(kept);
  assert.equal(kept.response.apiKey.name, `Named ${b}`, 'a refused update changes nothing');
  assertOK(await client.deleteAPIKey(a));
  assertOK(await client.deleteAPIKey(b));
});
