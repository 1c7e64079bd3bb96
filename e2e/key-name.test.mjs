// A key's name is unique among all keys, as FusionAuth's Update a Key
// documents, compared without case: generateKey, importKey and updateKey
// through the official FusionAuth TypeScript client answer 400 with the
// field error [duplicate]key.name for a name another key has, and updateKey
// keeps a key's own name.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { newClient, expectFailure, assertOK } from './helpers.mjs';

const client = newClient();

// The server is shared by every file: names and ids are this run's own.
const name = `e2e-key-name-${randomUUID()}`;
const firstId = randomUUID();
const secondId = randomUUID();

test('generateKey, importKey and updateKey refuse a name another key has, in any case', async () => {
  assertOK(await client.generateKey(firstId, { key: { algorithm: 'HS256', name } }));
  assertOK(await client.generateKey(secondId, { key: { algorithm: 'ES256', name: `${name} second` } }));

  // One at a time: a request started before its rejection is awaited
  // would be an unhandled rejection.
  const refusals = [
    () => client.generateKey(undefined, { key: { algorithm: 'RS256', name: name.toUpperCase() } }),
    () => client.importKey(undefined, { key: { algorithm: 'HS256', name, secret: 'a secret of 32 bytes or more, for HS256' } }),
    () => client.updateKey(secondId, { key: { name: name.toUpperCase() } }),
  ];
  for (const call of refusals) {
    const err = await expectFailure(call(), 400);
    assert.deepEqual(Object.keys(err.exception.fieldErrors), ['key.name']);
    assert.equal(err.exception.fieldErrors['key.name'][0].code, '[duplicate]key.name');
  }
  const second = await client.retrieveKey(secondId);
  assertOK(second);
  assert.equal(second.response.key.name, `${name} second`, 'a refused update changes nothing');

  // The key's own name, in another case, is no other key's.
  const renamed = await client.updateKey(firstId, { key: { name: name.toUpperCase() } });
  assertOK(renamed);
  assert.equal(renamed.response.key.name, name.toUpperCase());

  assertOK(await client.deleteKey(firstId));
  assertOK(await client.deleteKey(secondId));
});
