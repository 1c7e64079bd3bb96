// Integrations API (GET/PUT/PATCH /api/integration) through the official
// FusionAuth TypeScript client.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { newClient, expectFailure, assertOK } from './helpers.mjs';

const client = newClient();

// FusionAuth's seed example for the Integrations API.
const seed = () => ({
  integrations: {
    cleanspeak: {
      enabled: true,
      url: 'http://localhost:8001',
      apiKey: 'cleanspeak-api-key',
      usernameModeration: {
        applicationId: '27a7e845-79ec-4b24-a36d-66a224055395',
        enabled: true,
      },
    },
    kafka: {
      enabled: true,
      defaultTopic: 'FusionAuth',
      producer: {
        'bootstrap.servers': 'localhost:9092',
        'max.block.ms': '5000',
        'request.timeout.ms': '2000',
      },
    },
  },
});

// Compares the fields we sent; the server may add defaults (e.g. an empty
// cleanspeak.applicationIds), which are not part of what we assert on.
function assertIncludes(actual, expected, path = 'integrations') {
  if (expected !== null && typeof expected === 'object' && !Array.isArray(expected)) {
    assert.ok(actual !== null && typeof actual === 'object',
      `${path}: expected an object, got ${JSON.stringify(actual)}`);
    for (const [k, v] of Object.entries(expected)) {
      assertIncludes(actual[k], v, `${path}.${k}`);
    }
    return;
  }
  assert.deepEqual(actual, expected, path);
}

// The seed enables CleanSpeak moderation and Kafka against servers that do not
// exist here. They act now (usernames go PENDING, events wait for Kafka), so
// put the defaults back for the files that run after this one.
after(async () => {
  assertOK(await client.updateIntegrations({
    integrations: { cleanspeak: { enabled: false, usernameModeration: { enabled: false } }, kafka: { enabled: false } },
  }));
});

// Only the very first test in this file sees a fresh server; scripts/e2e runs
// files one at a time, and this file is the only one touching integrations.
test('retrieveIntegration on a fresh server: both integrations disabled', async () => {
  const res = await client.retrieveIntegration();
  assertOK(res);
  assert.ok(res.response?.integrations, JSON.stringify(res.response));
  assert.equal(res.response.integrations.cleanspeak.enabled, false);
  assert.equal(res.response.integrations.kafka.enabled, false);
});

test('updateIntegrations stores and echoes the configuration', async () => {
  const req = seed();
  const res = await client.updateIntegrations(req);
  assertOK(res);
  assertIncludes(res.response.integrations, req.integrations);

  const got = await client.retrieveIntegration();
  assertOK(got);
  assertIncludes(got.response.integrations, req.integrations);
  assert.deepEqual(got.response, res.response, 'GET returns what PUT returned');
});

test('updateIntegrations with kafka enabled and no defaultTopic: 400 [blank]', async () => {
  const req = seed();
  delete req.integrations.kafka.defaultTopic;
  const err = await expectFailure(client.updateIntegrations(req), 400);
  const fe = err.exception?.fieldErrors?.['integrations.kafka.defaultTopic'];
  assert.ok(Array.isArray(fe) && fe.length > 0, JSON.stringify(err.exception));
  assert.equal(fe[0].code, '[blank]integrations.kafka.defaultTopic');
  assert.equal(typeof fe[0].message, 'string');
});

test('a rejected update leaves the stored configuration unchanged', async () => {
  const req = seed();
  assertOK(await client.updateIntegrations(req));
  const bad = seed();
  delete bad.integrations.kafka.defaultTopic;
  bad.integrations.cleanspeak.url = 'http://changed.example';
  await expectFailure(client.updateIntegrations(bad), 400);
  const got = await client.retrieveIntegration();
  assertOK(got);
  assertIncludes(got.response.integrations, req.integrations);
});

test('a wrong API key gets 401', async () => {
  const bad = newClient('not-the-right-key-' + Date.now());
  await expectFailure(bad.retrieveIntegration(), 401);
  await expectFailure(bad.updateIntegrations(seed()), 401);
  await expectFailure(bad.patchIntegrations({ integrations: { kafka: { defaultTopic: 'x' } } }), 401);
});

test('patchIntegrations (application/json merge) changes only the given fields', async () => {
  const req = seed();
  assertOK(await client.updateIntegrations(req));

  const res = await client.patchIntegrations({ integrations: { kafka: { defaultTopic: 'Patched' } } });
  assertOK(res);
  const want = seed();
  want.integrations.kafka.defaultTopic = 'Patched';
  assertIncludes(res.response.integrations, want.integrations);

  const got = await client.retrieveIntegration();
  assertOK(got);
  assertIncludes(got.response.integrations, want.integrations);
  assert.deepEqual(got.response, res.response, 'GET returns what PATCH returned');
});
