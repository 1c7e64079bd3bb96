// The Twitter identity provider through the official FusionAuth TypeScript
// client: create (the FusionAuth seed's example request), retrieve by id, by
// type and all, update, patch, delete. The request names an application and
// a tenant, so the file first creates them under the seed's ids; it deletes
// the provider, the application and the tenant at the end.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { newClient, expectFailure, assertOK } from './helpers.mjs';

const client = newClient();
const run = randomUUID().slice(0, 8);

// The Twitter provider's fixed id (FusionAuth: "will always be" this).
const twitterId = '45bb233c-0901-4236-b5ca-ac46e2e0a5a5';
// The ids of the seed's example request.
const seedApplicationId = '1c212e59-0d0e-6b1a-ad48-f4f92793be32';
const seedTenantId = 'e872a880-b14f-6d62-c312-cb40f22af465';

/** The seed's "Example Twitter Request JSON", fresh for each use. */
function seedRequest() {
  return {
    identityProvider: {
      applicationConfiguration: {
        [seedApplicationId]: { createRegistration: true, enabled: true },
      },
      buttonText: 'Login with Twitter',
      consumerKey: '24iuleLRKIZUNhxuuUK6yDZwb',
      consumerSecret: 'e2ZpAaAfxv2j9eeh6JTeNcXMWdVLjRNriXm4wSZt1f1Ss3Syp4',
      debug: false,
      enabled: true,
      tenantConfiguration: {
        [seedTenantId]: { limitUserLinkCount: { enabled: false, maximumLinks: 42 } },
      },
      type: 'Twitter',
    },
  };
}

// Filled in as the tests go; they run in order.
const s = {};

after(async () => {
  // Whatever a failed test left behind; each step ignores "already gone".
  await client.deleteIdentityProvider(twitterId).catch(() => {});
  if (s.tenantCreated) {
    await client.deleteTenant(seedTenantId).catch(() => {});
  }
});

test('set-up: the seed request\'s tenant and application', async () => {
  const t = await client.createTenant(seedTenantId, { tenant: { name: `e2e identity provider ${run}` } });
  assertOK(t);
  assert.equal(t.response.tenant.id, seedTenantId);
  s.tenantCreated = true;
  const a = await newClient().setTenantId(seedTenantId).createApplication(seedApplicationId, {
    application: { name: `e2e twitter app ${run}` },
  });
  assertOK(a);
  assert.equal(a.response.application.id, seedApplicationId);
});

test('createIdentityProvider with a blank consumerKey: 400, nothing stored', async () => {
  const req = seedRequest();
  req.identityProvider.consumerKey = '  ';
  const res = await expectFailure(client.createIdentityProvider(null, req), 400);
  const errs = res.exception.fieldErrors['identityProvider.consumerKey'];
  assert.ok(Array.isArray(errs), JSON.stringify(res.exception));
  assert.equal(errs[0].code, '[blank]identityProvider.consumerKey');
  assert.equal(typeof errs[0].message, 'string');
  await expectFailure(client.retrieveIdentityProvider(twitterId), 404);
});

test('createIdentityProvider with the seed request: the seed response shape', async () => {
  const before = Date.now();
  const res = await client.createIdentityProvider(null, seedRequest());
  assertOK(res);
  const p = res.response.identityProvider;
  assert.equal(p.id, twitterId);
  assert.equal(p.name, 'Twitter');
  assert.equal(p.type, 'Twitter');
  assert.equal(p.buttonText, 'Login with Twitter');
  assert.equal(p.consumerKey, '24iuleLRKIZUNhxuuUK6yDZwb');
  assert.equal(p.consumerSecret, 'e2ZpAaAfxv2j9eeh6JTeNcXMWdVLjRNriXm4wSZt1f1Ss3Syp4');
  assert.equal(p.debug, false);
  assert.equal(p.enabled, true);
  assert.equal(p.linkingStrategy, 'LinkByEmail', 'documented default');
  assert.deepEqual(p.applicationConfiguration[seedApplicationId], { createRegistration: true, enabled: true });
  assert.deepEqual(p.tenantConfiguration[seedTenantId], { limitUserLinkCount: { enabled: false, maximumLinks: 42 } });
  assert.equal(typeof p.insertInstant, 'number');
  assert.ok(p.insertInstant >= before - 60_000, `insertInstant ${p.insertInstant} is a current instant in ms`);
  assert.equal(typeof p.lastUpdateInstant, 'number');
  assert.ok(p.lastUpdateInstant >= p.insertInstant);
  s.created = p;

  // There is one Twitter provider: a second create is refused.
  const dup = await expectFailure(client.createIdentityProvider(null, seedRequest()), 400);
  assert.ok(dup.exception.fieldErrors, JSON.stringify(dup.exception));
});

test('defaults: createRegistration true, maximumLinks 42 when left out', async () => {
  // The provider exists, so the defaults are exercised through PUT, which
  // replaces the whole provider (a left-out field takes its default).
  const req = seedRequest();
  req.identityProvider.applicationConfiguration[seedApplicationId] = { enabled: true };
  req.identityProvider.tenantConfiguration[seedTenantId] = { limitUserLinkCount: { enabled: true } };
  const res = await client.updateIdentityProvider(twitterId, req);
  assertOK(res);
  const p = res.response.identityProvider;
  assert.equal(p.applicationConfiguration[seedApplicationId].createRegistration, true);
  assert.equal(p.tenantConfiguration[seedTenantId].limitUserLinkCount.maximumLinks, 42);
  assert.equal(p.tenantConfiguration[seedTenantId].limitUserLinkCount.enabled, true);
  // Put the seed's values back for the retrieve tests.
  assertOK(await client.updateIdentityProvider(twitterId, seedRequest()));
});

test('retrieveIdentityProvider, retrieveIdentityProviderByType, retrieveIdentityProviders', async () => {
  const byId = await client.retrieveIdentityProvider(twitterId);
  assertOK(byId);
  const p = byId.response.identityProvider;
  const { lastUpdateInstant, ...rest } = p;
  const { lastUpdateInstant: _created, ...createdRest } = s.created;
  assert.deepEqual(rest, createdRest, 'the stored provider is the created one');
  assert.ok(lastUpdateInstant >= s.created.lastUpdateInstant);

  const byType = await client.retrieveIdentityProviderByType('Twitter');
  assertOK(byType);
  assert.deepEqual(byType.response.identityProvider, p);

  const all = await client.retrieveIdentityProviders();
  assertOK(all);
  assert.ok(Array.isArray(all.response.identityProviders), JSON.stringify(all.response));
  assert.deepEqual(all.response.identityProviders.filter((x) => x.id === twitterId), [p]);

  // A type authcore does not implement is as absent as on a FusionAuth that
  // has none configured.
  await expectFailure(client.retrieveIdentityProviderByType('Google'), 404);
  // A value that is no IdentityProviderType (the enum's case is exact) does
  // not convert: a 400 that names the parameter, not a 404.
  const typo = await expectFailure(client.retrieveIdentityProviderByType('twitter'), 400);
  assert.equal(typo.exception.fieldErrors.type[0].code, '[couldNotConvert]type');
  // An unknown id.
  await expectFailure(client.retrieveIdentityProvider(randomUUID()), 404);
});

// FusionAuth's Search (POST with a body, GET with parameters) and its
// Lookup by e-mail domain. The search sees the provider as the retrieve
// does; the lookup takes no API key, and no Twitter provider manages a
// domain, so it is a 404.
test('searchIdentityProviders, searchIdentityProvidersByParameters, lookupIdentityProvider', async () => {
  const p = (await client.retrieveIdentityProvider(twitterId)).response.identityProvider;

  const found = await client.searchIdentityProviders({ search: { name: 'twit', type: 'Twitter', applicationId: seedApplicationId } });
  assertOK(found);
  assert.equal(found.response.total, 1);
  assert.deepEqual(found.response.identityProviders, [p]);

  const byParams = await client.searchIdentityProvidersByParameters(null, 'TWITTER', 10, 'name DESC', 0, null, undefined);
  assertOK(byParams);
  assert.equal(byParams.response.total, 1);
  assert.deepEqual(byParams.response.identityProviders, [p]);

  // A wildcard pattern matches the whole name; another type finds nothing;
  // a page past the end is empty but still counts the match.
  for (const search of [{ name: 'witt*' }, { type: 'Google' }]) {
    const none = await client.searchIdentityProviders({ search });
    assertOK(none);
    assert.deepEqual(none.response, { identityProviders: [], total: 0 }, JSON.stringify(search));
  }
  const past = await client.searchIdentityProviders({ search: { startRow: 1 } });
  assertOK(past);
  assert.deepEqual(past.response, { identityProviders: [], total: 1 });

  const bad = await expectFailure(client.searchIdentityProviders({ search: { startRow: -1, orderBy: 'consumerSecret' } }), 400);
  assert.equal(bad.exception.fieldErrors['search.startRow'][0].code, '[invalid]search.startRow');
  assert.equal(bad.exception.fieldErrors['search.orderBy'][0].code, '[invalid]search.orderBy');

  // A request scoped to the seed tenant sees only that tenant's data.
  const scoped = await newClient().setTenantId(seedTenantId).searchIdentityProviders({ search: {} });
  assertOK(scoped);
  assert.equal(scoped.response.total, 1);
  assert.deepEqual(Object.keys(scoped.response.identityProviders[0].tenantConfiguration), [seedTenantId]);

  const anonymous = newClient(null); // FusionAuth documents the lookup without an API key
  for (const domain of ['acme.com', 'jenny@acme.com']) {
    const res = await expectFailure(anonymous.lookupIdentityProvider(domain), 404);
    assert.equal(res.exception, undefined, 'an empty 404');
  }
  await expectFailure(client.lookupIdentityProviderByTenantId('acme.com', seedTenantId), 404);
});

test('updateIdentityProvider replaces the provider; id, name, insertInstant kept', async () => {
  const req = seedRequest();
  req.identityProvider.buttonText = 'Sign in with Twitter';
  req.identityProvider.linkingStrategy = 'LinkByUsername';
  req.identityProvider.enabled = false;
  delete req.identityProvider.debug;
  const res = await client.updateIdentityProvider(twitterId, req);
  assertOK(res);
  const p = res.response.identityProvider;
  assert.equal(p.id, twitterId);
  assert.equal(p.name, 'Twitter');
  assert.equal(p.type, 'Twitter');
  assert.equal(p.buttonText, 'Sign in with Twitter');
  assert.equal(p.linkingStrategy, 'LinkByUsername');
  assert.equal(p.enabled, false);
  assert.equal(p.debug, false);
  assert.equal(p.insertInstant, s.created.insertInstant);
  assert.ok(p.lastUpdateInstant >= s.created.lastUpdateInstant);

  const got = await client.retrieveIdentityProvider(twitterId);
  assertOK(got);
  assert.deepEqual(got.response.identityProvider, p);

  // Invalid: refused, and the stored provider is unchanged.
  const bad = seedRequest();
  bad.identityProvider.consumerKey = '';
  const refused = await expectFailure(client.updateIdentityProvider(twitterId, bad), 400);
  assert.equal(refused.exception.fieldErrors['identityProvider.consumerKey'][0].code, '[blank]identityProvider.consumerKey');
  const still = await client.retrieveIdentityProvider(twitterId);
  assert.deepEqual(still.response.identityProvider, p);
  s.updated = p;
});

test('patchIdentityProvider changes only what it names', async () => {
  const res = await client.patchIdentityProvider(twitterId, {
    identityProvider: { debug: true, linkingStrategy: 'CreatePendingLink' },
  });
  assertOK(res);
  const p = res.response.identityProvider;
  assert.equal(p.debug, true);
  assert.equal(p.linkingStrategy, 'CreatePendingLink');
  for (const k of ['id', 'name', 'type', 'buttonText', 'consumerKey', 'consumerSecret', 'enabled', 'insertInstant', 'applicationConfiguration', 'tenantConfiguration']) {
    assert.deepEqual(p[k], s.updated[k], k);
  }

  const bad = await expectFailure(client.patchIdentityProvider(twitterId, { identityProvider: { linkingStrategy: 'LinkByShoeSize' } }), 400);
  assert.equal(bad.exception.fieldErrors['identityProvider.linkingStrategy'][0].code, '[invalid]identityProvider.linkingStrategy');
  const got = await client.retrieveIdentityProvider(twitterId);
  assert.equal(got.response.identityProvider.linkingStrategy, 'CreatePendingLink');
});

// FusionAuth's domain gives the provider, each application configuration
// and each tenant configuration a free-form `data` map (the client's
// BaseIdentityProvider, BaseIdentityProviderApplicationConfiguration and
// IdentityProviderTenantConfiguration types); what a client stores there
// comes back.
test('data on the provider and its application and tenant configurations round-trips', async () => {
  const req = seedRequest();
  req.identityProvider.data = { team: 'growth', tags: ['a'] };
  req.identityProvider.applicationConfiguration[seedApplicationId].data = { brand: 'blue' };
  req.identityProvider.tenantConfiguration[seedTenantId].data = { region: 'eu' };
  assertOK(await client.updateIdentityProvider(twitterId, req));
  const got = await client.retrieveIdentityProvider(twitterId);
  assertOK(got);
  const p = got.response.identityProvider;
  assert.deepEqual(p.data, { team: 'growth', tags: ['a'] });
  assert.deepEqual(p.applicationConfiguration[seedApplicationId].data, { brand: 'blue' });
  assert.deepEqual(p.tenantConfiguration[seedTenantId].data, { region: 'eu' });

  // The legacy PATCH merges into it; null removes a key.
  const patched = await client.patchIdentityProvider(twitterId, { identityProvider: { data: { team: null, owner: 'ann' } } });
  assertOK(patched);
  assert.deepEqual(patched.response.identityProvider.data, { tags: ['a'], owner: 'ann' });
});

test('deleteIdentityProvider: then 404 by id and by type, absent from the list', async () => {
  const res = await client.deleteIdentityProvider(twitterId);
  assertOK(res);
  await expectFailure(client.retrieveIdentityProvider(twitterId), 404);
  await expectFailure(client.retrieveIdentityProviderByType('Twitter'), 404);
  const all = await client.retrieveIdentityProviders();
  assertOK(all);
  assert.deepEqual(all.response.identityProviders.filter((x) => x.id === twitterId), []);
  await expectFailure(client.deleteIdentityProvider(twitterId), 404);
});

test('clean-up: the tenant (and its application) go', async () => {
  assertOK(await client.deleteTenant(seedTenantId));
  s.tenantCreated = false;
  await expectFailure(client.retrieveApplication(seedApplicationId), 404);
});
