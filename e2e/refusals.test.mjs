// The documented refusals of the Identity Provider, Link and Integrations
// APIs that the other files leave out, as the official FusionAuth TypeScript
// client exposes them: the status, an empty body (exception undefined) where
// the docs say "The response will be empty", and the Errors object's exact
// field path and code otherwise. Every refusal is followed by a read showing
// that nothing changed.
//
// The file makes its own tenant, application and user, and the Twitter
// provider, and deletes them at the end; the integrations are only read and
// refused, never changed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { newClient, expectFailure, assertOK } from './helpers.mjs';

const client = newClient();
const run = randomUUID().slice(0, 8);
const twitterId = '45bb233c-0901-4236-b5ca-ac46e2e0a5a5';

function provider(extra = {}) {
  return {
    identityProvider: {
      type: 'Twitter',
      enabled: true,
      buttonText: 'Login with Twitter',
      consumerKey: `refusals-${run}`,
      consumerSecret: `secret-${run}`,
      ...extra,
    },
  };
}

/** The one field error of a refusal: its path and code must agree. */
function fieldCode(err, path) {
  const errors = err.exception?.fieldErrors?.[path];
  assert.ok(errors?.length, `no field error at ${path}: ${JSON.stringify(err.exception)}`);
  return errors[0].code;
}

/** A refusal whose body the docs say is empty. */
async function expectEmpty(promise, statusCode) {
  const err = await expectFailure(promise, statusCode);
  assert.equal(err.exception, undefined, `expected an empty body, got ${JSON.stringify(err.exception)}`);
}

const s = {};

after(async () => {
  await client.deleteIdentityProvider(twitterId).catch(() => {});
  if (s.tenantId) {
    await client.deleteTenant(s.tenantId).catch(() => {});
  }
});

test('set-up: tenant, application and user; no provider yet', async () => {
  const t = await client.createTenant(null, { tenant: { name: `e2e refusals ${run}` } });
  assertOK(t);
  s.tenantId = t.response.tenant.id;
  s.scoped = newClient().setTenantId(s.tenantId);
  const app = await s.scoped.createApplication(null, { application: { name: `refusals ${run}` } });
  assertOK(app);
  s.appId = app.response.application.id;
  const u = await s.scoped.createUser(null, { user: { email: `refusals-${run}@example.com` }, skipVerification: true });
  assertOK(u);
  s.userId = u.response.user.id;
  await expectEmpty(client.retrieveIdentityProvider(twitterId), 404);
});

// Seed 002, Update and Delete: "404 The object you are trying to update
// doesn't exist. The response will be empty." A PATCH is an update too, and
// does not create the provider.
test('update, patch and delete of a provider that does not exist: empty 404, nothing created', async () => {
  await expectEmpty(client.updateIdentityProvider(twitterId, provider()), 404);
  await expectEmpty(client.patchIdentityProvider(twitterId, provider()), 404);
  await expectEmpty(client.deleteIdentityProvider(twitterId), 404);
  await expectEmpty(client.retrieveIdentityProvider(twitterId), 404);
  await expectEmpty(client.retrieveIdentityProviderByType('Twitter'), 404);
});

test('createIdentityProvider refusals: another id, a bad id, the wrong type, no type; nothing stored', async () => {
  let err = await expectFailure(client.createIdentityProvider(randomUUID(), provider()), 400);
  assert.equal(fieldCode(err, 'identityProviderId'), '[invalid]identityProviderId');
  err = await expectFailure(client.createIdentityProvider('not-a-uuid', provider()), 400);
  assert.equal(fieldCode(err, 'identityProviderId'), '[couldNotConvert]identityProviderId');
  err = await expectFailure(client.createIdentityProvider(null, provider({ type: 'Google' })), 400);
  assert.equal(fieldCode(err, 'identityProvider.type'), '[invalid]identityProvider.type');
  err = await expectFailure(client.createIdentityProvider(null, provider({ type: undefined })), 400);
  assert.equal(fieldCode(err, 'identityProvider.type'), '[blank]identityProvider.type');
  // A value of the wrong type names its property, wrapper included.
  err = await expectFailure(client.createIdentityProvider(null, provider({ enabled: 'yes' })), 400);
  assert.equal(fieldCode(err, 'identityProvider.enabled'), '[invalidJSON]identityProvider.enabled');
  await expectEmpty(client.retrieveIdentityProvider(twitterId), 404);
});

test('createIdentityProvider, then a second create by either URI: [duplicate]identityProviderId', async () => {
  const res = await client.createIdentityProvider(twitterId, provider({
    applicationConfiguration: { [s.appId]: { enabled: true } },
  }));
  assertOK(res);
  s.provider = res.response.identityProvider;
  for (const id of [null, twitterId]) {
    const err = await expectFailure(client.createIdentityProvider(id, provider({ debug: true })), 400);
    assert.equal(fieldCode(err, 'identityProviderId'), '[duplicate]identityProviderId', String(id));
  }
  assert.deepEqual((await client.retrieveIdentityProvider(twitterId)).response.identityProvider, s.provider);
});

test('updateIdentityProvider and patchIdentityProvider with a value of the wrong type: [invalidJSON], nothing changed', async () => {
  let err = await expectFailure(client.updateIdentityProvider(twitterId, provider({ debug: 'yes' })), 400);
  assert.equal(fieldCode(err, 'identityProvider.debug'), '[invalidJSON]identityProvider.debug');
  err = await expectFailure(client.patchIdentityProvider(twitterId, {
    identityProvider: { applicationConfiguration: { [s.appId]: { createRegistration: 'no' } } },
  }), 400);
  const path = `identityProvider.applicationConfiguration[${s.appId}].createRegistration`;
  assert.equal(fieldCode(err, path), `[invalidJSON]${path}`);
  assert.deepEqual((await client.retrieveIdentityProvider(twitterId)).response.identityProvider, s.provider);
});

// Seed 001: "401 You did not supply a valid Authorization header ... The
// response will be empty." The Link API takes an API key too.
test('a wrong API key: empty 401 on every provider and Link API method', async () => {
  const bad = newClient(`not-the-right-key-${run}`);
  const calls = [
    () => bad.createIdentityProvider(null, provider()),
    () => bad.retrieveIdentityProvider(twitterId),
    () => bad.retrieveIdentityProviderByType('Twitter'),
    () => bad.retrieveIdentityProviders(),
    () => bad.updateIdentityProvider(twitterId, provider()),
    () => bad.patchIdentityProvider(twitterId, provider()),
    () => bad.deleteIdentityProvider(twitterId),
    () => bad.createUserLink({ identityProviderLink: { identityProviderId: twitterId, identityProviderUserId: '42', userId: s.userId } }),
    () => bad.retrieveUserLink(twitterId, '42', s.userId),
    () => bad.retrieveUserLinksByUserId(twitterId, s.userId),
    () => bad.deleteUserLink(twitterId, '42', s.userId),
    () => bad.retrievePendingLink(randomUUID(), s.userId),
  ];
  for (const call of calls) {
    await expectEmpty(call(), 401);
  }
  assert.deepEqual((await client.retrieveIdentityProvider(twitterId)).response.identityProvider, s.provider);
  const links = await client.retrieveUserLinksByUserId(twitterId, s.userId);
  assert.deepEqual(links.response.identityProviderLinks, []);
});

// SPEC §1 and §4: the provider and the integrations are global. A request
// scoped to a tenant may read the provider, not change it, and may not touch
// the integrations at all.
test('a tenant-scoped client reads the provider; its writes and the integrations are an empty 401', async () => {
  const read = await s.scoped.retrieveIdentityProvider(twitterId);
  assertOK(read);
  assert.equal(read.response.identityProvider.id, twitterId);
  await expectEmpty(s.scoped.updateIdentityProvider(twitterId, provider({ debug: true })), 401);
  await expectEmpty(s.scoped.patchIdentityProvider(twitterId, { identityProvider: { debug: true } }), 401);
  await expectEmpty(s.scoped.deleteIdentityProvider(twitterId), 401);
  await expectEmpty(s.scoped.createIdentityProvider(null, provider()), 401);
  assert.deepEqual((await client.retrieveIdentityProvider(twitterId)).response.identityProvider, s.provider);

  const before = (await client.retrieveIntegration()).response;
  await expectEmpty(s.scoped.retrieveIntegration(), 401);
  await expectEmpty(s.scoped.updateIntegrations({ integrations: {} }), 401);
  await expectEmpty(s.scoped.patchIntegrations({ integrations: { kafka: { defaultTopic: 'scoped' } } }), 401);
  assert.deepEqual((await client.retrieveIntegration()).response, before);
});

test('Link API parameters: a bad UUID does not convert, an omitted one is missing, userId is optional', async () => {
  let err = await expectFailure(client.retrieveUserLink('not-a-uuid', '42', s.userId), 400);
  assert.equal(fieldCode(err, 'identityProviderId'), '[couldNotConvert]identityProviderId');
  err = await expectFailure(client.retrieveUserLinksByUserId(twitterId, 'not-a-uuid'), 400);
  assert.equal(fieldCode(err, 'userId'), '[couldNotConvert]userId');
  // Both omitted: the client sends the text "undefined" for each.
  err = await expectFailure(client.retrieveUserLinksByUserId(undefined, undefined), 400);
  assert.equal(fieldCode(err, 'userId'), '[missing]userId');
  // An unknown pending link, whatever its id looks like: empty 404.
  await expectEmpty(client.retrievePendingLink(randomUUID(), s.userId), 404);
  await expectEmpty(client.retrievePendingLink('not-a-uuid', undefined), 404);

  // A link to a provider that does not exist.
  err = await expectFailure(client.createUserLink({
    identityProviderLink: { identityProviderId: randomUUID(), identityProviderUserId: '42', userId: s.userId },
  }), 400);
  assert.equal(fieldCode(err, 'identityProviderLink.identityProviderId'), '[invalid]identityProviderLink.identityProviderId');

  // retrieveUserLink's userId is optional (SPEC §6): without it, the link by
  // provider and provider user id alone. Links live in a tenant, and two
  // tenants exist while this file runs: without a user to infer it from,
  // the request must name one (SPEC §1).
  err = await expectFailure(client.retrieveUserLink(twitterId, `acct-${run}`, undefined), 400);
  assert.equal(err.exception.generalErrors[0].code, '[TenantIdRequired]');
  await expectEmpty(s.scoped.retrieveUserLink(twitterId, `acct-${run}`, undefined), 404);
  assertOK(await client.createUserLink({
    identityProviderLink: { identityProviderId: twitterId, identityProviderUserId: `acct-${run}`, userId: s.userId },
  }));
  for (const [c, userId] of [[s.scoped, undefined], [s.scoped, null], [client, s.userId]]) {
    const one = await c.retrieveUserLink(twitterId, `acct-${run}`, userId);
    assertOK(one);
    assert.equal(one.response.identityProviderLink.userId, s.userId, String(userId));
  }
  // Another user's id: as if there were no link.
  await expectEmpty(client.retrieveUserLink(twitterId, `acct-${run}`, randomUUID()), 404);
});

test('updateIntegrations and patchIntegrations refusals: [missing], [invalidJSON], [blank]; nothing changed', async () => {
  const before = (await client.retrieveIntegration()).response;
  let err = await expectFailure(client.updateIntegrations({}), 400);
  assert.equal(fieldCode(err, 'integrations'), '[missing]integrations');
  err = await expectFailure(client.updateIntegrations({ integrations: { kafka: { enabled: 'yes' } } }), 400);
  assert.equal(fieldCode(err, 'integrations.kafka.enabled'), '[invalidJSON]integrations.kafka.enabled');
  err = await expectFailure(client.patchIntegrations({ integrations: { kafka: { producer: { acks: 1 } } } }), 400);
  assert.equal(fieldCode(err, 'integrations.kafka.producer[acks]'), '[invalidJSON]integrations.kafka.producer[acks]');
  err = await expectFailure(client.patchIntegrations({ integrations: { cleanspeak: { enabled: true, url: null } } }), 400);
  assert.equal(fieldCode(err, 'integrations.cleanspeak.url'), '[blank]integrations.cleanspeak.url');
  assert.deepEqual((await client.retrieveIntegration()).response, before);
});

test('clean-up: provider (its links with it), then the tenant', async () => {
  assertOK(await client.deleteIdentityProvider(twitterId));
  const links = await client.retrieveUserLinksByUserId(undefined, s.userId);
  assert.deepEqual(links.response.identityProviderLinks, []);
  assertOK(await client.deleteTenant(s.tenantId));
  s.tenantId = undefined;
});
