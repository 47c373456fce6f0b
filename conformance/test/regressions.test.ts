/** Regressions: bugs the conformance suite found, each fixed, each kept here so it stays fixed. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Browser, csrfFrom, json, postForm, raw } from '../support/http.js';
import { authorize, codeOf, PRINTER_AUTH, redeem, type TokenResponse } from '../support/oauth.js';
import { INTERNAL, sparePorts, startSpare } from '../support/stack.js';

describe('Regressions found by the conformance suite', () => {
  it('docs/security.md §I1, RFC 7662 §2.1: introspection requires client authentication: the public client with only client_id is 401 invalid_client', async () => {
    const result = await authorize({ client: 'browser', user: 'bob' });
    const token = json<TokenResponse>(await redeem(codeOf(result), result.verifier, { client: 'browser' })).access_token;
    const res = await postForm(INTERNAL.auth, '/introspect', { token, client_id: 'photo-printer-browser' });
    assert.equal(res.status, 401, `got ${res.status}: ${res.body}`);
    assert.equal(json(res).error, 'invalid_client');
  });

  it('docs/security.md §B1: invalid percent-encoding is a 4xx with the spec error (introspection and revocation answer 200)', async () => {
    for (const path of ['/introspect', '/revoke']) {
      const res = await raw(INTERNAL.auth, 'POST', path, { 'content-type': 'application/x-www-form-urlencoded', authorization: PRINTER_AUTH }, 'token=%zz');
      assert.equal(res.status, 400, `${path}: got ${res.status} ${res.body}`);
      assert.equal(json(res).error, 'invalid_request');
    }
  });
});

// Login throttling bypass (run against a fresh auth server, so no real user is locked out).
describe('docs/security.md §S6: login throttling and X-Forwarded-For', () => {
  let auth: Awaited<ReturnType<typeof startSpare>>;
  before(async () => {
    auth = await startSpare('auth-server', { label: 'xff-bypass', port: sparePorts()[1]! });
  });
  after(() => auth.stop());

  it('RFC 6819 §4.4.3.6: failed logins are throttled even when each attempt claims another X-Forwarded-For', async () => {
    const base = `http://localhost:${auth.stack.ports.auth}`;
    for (let i = 0; i < 6; i++) {
      const b = new Browser({ 'x-forwarded-for': `203.0.113.${i + 1}` });
      const page = await b.get(`${base}/login`);
      await b.post(`${base}/login`, { csrf: csrfFrom(page.text), username: 'bob', password: `guess-${i}` });
    }
    const b = new Browser({ 'x-forwarded-for': '203.0.113.99' });
    const page = await b.get(`${base}/login`);
    const right = await b.post(`${base}/login`, { csrf: csrfFrom(page.text), username: 'bob', password: 'builder' });
    assert.equal(right.status, 429, `after 6 failures bob signs in anyway (${right.status}): the throttle key trusts a client-chosen header`);
  });
});
