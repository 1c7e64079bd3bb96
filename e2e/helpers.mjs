// Shared helpers for the e2e tests. Not a test file itself (only *.test.mjs
// files are run by scripts/e2e).
import assert from 'node:assert/strict';
// The client's published build is CommonJS (main: build/index.js); Node's
// CJS interop exposes its named exports to ESM.
import { FusionAuthClient } from '@fusionauth/typescript-client';

/** Base URL of the server under test, e.g. http://127.0.0.1:34567 */
export const url = requireEnv('AUTHCORE_URL');
/** An API key the server was started with. */
export const apiKey = requireEnv('AUTHCORE_API_KEY');

function requireEnv(name) {
  const v = process.env[name];
  if (!v) {
    throw new Error(`${name} is not set: run the e2e tests through scripts/e2e`);
  }
  return v;
}

/** A client authenticated with the server's API key (or another key). */
export function newClient(key = apiKey) {
  return new FusionAuthClient(key, url);
}

/**
 * Awaits a client call that must fail. The client (DefaultRESTClient.go)
 * rejects with a ClientResponse for every non-2xx status: statusCode is set,
 * and exception holds the parsed JSON body when the response is
 * application/json (FusionAuth's Errors object: fieldErrors/generalErrors).
 * A network failure also rejects with a ClientResponse whose exception is the
 * underlying Error; that is reported here as such.
 */
export async function expectFailure(promise, statusCode) {
  let res;
  try {
    res = await promise;
  } catch (err) {
    assert.ok(err && typeof err === 'object' && 'statusCode' in err,
      `expected a ClientResponse rejection, got ${err}`);
    if (err.exception instanceof Error) {
      throw new Error(`request failed: ${err.exception.message}`, { cause: err.exception });
    }
    if (statusCode !== undefined) {
      assert.equal(err.statusCode, statusCode,
        `status: ${JSON.stringify(err.exception)}`);
    }
    assert.equal(err.wasSuccessful(), false);
    return err;
  }
  assert.fail(`expected the call to fail with ${statusCode ?? 'an error'}, ` +
    `got ${res.statusCode}: ${JSON.stringify(res.response)}`);
}

/** Asserts a successful ClientResponse with the given status (default 200). */
export function assertOK(res, statusCode = 200) {
  assert.equal(res.statusCode, statusCode, JSON.stringify(res.response));
  assert.equal(res.wasSuccessful(), true);
}

/** POSTs JSON to the fake Twitter's control API (examples/faketwitter). */
export async function controlPost(path, body) {
  const control = requireEnv('AUTHCORE_FAKE_TWITTER_CONTROL');
  const res = await fetch(control + path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  assert.ok(res.ok, `control ${path}: ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}
