/** Regressions: bugs the conformance suite found, each fixed, each kept here so it stays fixed. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Browser, csrfFrom, json, postForm, raw } from '../support/http.js';
import { authorize, basic, codeOf, PRINTER_AUTH, redeem, type TokenResponse } from '../support/oauth.js';
import { DRIVE_WEB, INTERNAL, sparePorts, startSpare } from '../support/stack.js';

describe('Regressions found by the conformance suite', () => {
  it('docs/security.md §I1, RFC 7662 §2.1: introspection requires client authentication: the public client with only client_id is 401 invalid_client', async () => {
    const result = await authorize({ client: 'browser', user: 'bob' });
    const token = json<TokenResponse>(
      await redeem(codeOf(result), result.verifier, { client: 'browser' }),
    ).access_token;
    const res = await postForm(INTERNAL.auth, '/introspect', { token, client_id: 'photo-printer-browser' });
    assert.equal(res.status, 401, `got ${res.status}: ${res.body}`);
    assert.equal(json(res).error, 'invalid_client');
  });

  it('docs/security.md §B1: invalid percent-encoding is a 4xx with the spec error (introspection and revocation answer 200)', async () => {
    for (const path of ['/introspect', '/revoke']) {
      const res = await raw(
        INTERNAL.auth,
        'POST',
        path,
        { 'content-type': 'application/x-www-form-urlencoded', authorization: PRINTER_AUTH },
        'token=%zz',
      );
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
    assert.equal(
      right.status,
      429,
      `after 6 failures bob signs in anyway (${right.status}): the throttle key trusts a client-chosen header`,
    );
  });
});

// No lockout of the real user (issue 12 item 6): on a fresh auth server behind a trusted proxy hop, so that each
// browser can have its own address.
describe('docs/security.md §S6: wrong passwords from one address never lock the user out on another', () => {
  let auth: Awaited<ReturnType<typeof startSpare>>;
  let base: string;
  before(async () => {
    auth = await startSpare('auth-server', {
      label: 'no-lockout',
      port: sparePorts()[1]!,
      env: { TRUST_PROXY: 'loopback' },
    });
    base = `http://localhost:${auth.stack.ports.auth}`;
  });
  after(() => auth.stop());

  async function signInFrom(address: string, username: string, password: string): Promise<number> {
    const b = new Browser({ 'x-forwarded-for': address });
    const page = await b.get(`${base}/login`);
    return (await b.post(`${base}/login`, { csrf: csrfFrom(page.text), username, password })).status;
  }

  it('RFC 6819 §4.4.3.6: the sign-in page blocks the guessing address only; bob signs in from his own', async () => {
    for (let i = 0; i < 6; i++) await signInFrom('203.0.113.1', 'bob', `guess-${i}`);
    assert.equal(await signInFrom('203.0.113.1', 'bob', 'builder'), 429, 'the guessing address is blocked');
    assert.equal(await signInFrom('203.0.113.2', 'bob', 'builder'), 303, 'bob, from another address, is signed in');
  });

  it("RFC 6749 §4.3.2: Drive's password grant counts failures per End-User-Address; alice signs in through Drive from hers", async () => {
    const grant = (password: string, address: string) =>
      postForm(
        base,
        '/token',
        { grant_type: 'password', username: 'alice', password },
        { authorization: basic(DRIVE_WEB.clientId, DRIVE_WEB.secret), 'end-user-address': address },
      );
    for (let i = 0; i < 5; i++) assert.equal((await grant(`guess-${i}`, '198.51.100.1')).status, 400);
    const blocked = await grant('wonderland', '198.51.100.1');
    assert.equal(blocked.status, 400);
    assert.match(String(json(blocked).error_description), /too many/i, 'the guessing address is blocked');
    assert.equal(
      (await grant('wonderland', '198.51.100.2')).status,
      200,
      'alice, from another address, gets her token',
    );
  });
});
