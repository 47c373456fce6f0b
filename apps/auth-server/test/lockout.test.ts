/**
 * No lockout of the real user (issue 12 item 6, docs/security.md §S6): failed sign-ins block only per (address,
 * user); per user alone they add a growing delay, never a refusal. Drive's first-party sign-in (the password grant
 * from its own server) tells the auth server the end user's address, which is believed from that client only.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildBasicAuthorization, hashClientSecret } from '@oauth-demo/tokens';
import { configurePasswordChecks, passwordCheckConcurrency, takeTurnForPasswordCheck } from '../src/passwords.js';
import { FREE_FAILURES_PER_USER, loginDelayMs, MAX_LOGIN_DELAY_MS } from '../src/throttle.js';
import {
  authorizePath,
  Browser,
  csrfFrom,
  DRIVE_WEB_SECRET,
  startAuthServer,
  validAuthorizeParams,
  type TestServer,
} from './helpers.js';

describe('loginDelayMs: a growing delay per user, bounded', () => {
  it('is free for the first failures, then doubles, and never exceeds its bound', () => {
    const delays = Array.from({ length: 40 }, (_, failures) => loginDelayMs(failures));
    assert.deepEqual(delays.slice(0, FREE_FAILURES_PER_USER), Array(FREE_FAILURES_PER_USER).fill(0));
    assert.ok(delays[FREE_FAILURES_PER_USER]! > 0);
    assert.equal(delays[FREE_FAILURES_PER_USER + 1], 2 * delays[FREE_FAILURES_PER_USER]!);
    for (let i = 1; i < delays.length; i++) assert.ok(delays[i]! >= delays[i - 1]!, 'never shrinks');
    assert.equal(Math.max(...delays), MAX_LOGIN_DELAY_MS);
  });
});

describe('docs/security.md §S6: wrong passwords from one address never lock alice out on another', () => {
  let server: TestServer;
  // Behind one trusted proxy hop, so each test browser can be a different address (X-Forwarded-For).
  before(async () => {
    server = await startAuthServer({ env: { TRUST_PROXY: 'loopback' } });
  });
  after(() => server.destroy());

  async function signIn(address: string, username: string, password: string): Promise<number> {
    const browser = new Browser(server.url);
    const headers = { 'x-forwarded-for': address };
    const start = await browser.request(authorizePath(validAuthorizeParams()), { headers });
    const interaction = start.headers.get('location')!;
    const page = await (await browser.request(interaction, { headers })).text();
    const body = new URLSearchParams({ csrf: csrfFrom(page), username, password });
    const res = await browser.request(`${interaction}/login`, {
      method: 'POST',
      body,
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
    });
    return res.status;
  }

  it('the sign-in page: the guessing address is blocked, alice on her own address signs in', async () => {
    const guesses: number[] = [];
    for (let i = 0; i < 7; i++) guesses.push(await signIn('198.51.100.7', 'alice', `guess-${i}`));
    assert.deepEqual(guesses, [401, 401, 401, 401, 401, 429, 429], 'the guesser is stopped after 5');
    assert.equal(
      await signIn('198.51.100.7', 'alice', 'wonderland'),
      429,
      'from that address even the right password waits',
    );
    assert.equal(await signIn('192.0.2.10', 'alice', 'wonderland'), 303, 'alice, from her own address, is signed in');
  });

  it('the same name written another way (capitals, spaces) counts as the same user: no fresh guesses', async () => {
    const guesses: number[] = [];
    for (const [i, name] of ['bob', 'Bob', ' bob', 'bob ', 'BOB', ' Bob ', '\tbob'].entries())
      guesses.push(await signIn('198.51.100.8', name, `guess-${i}`));
    assert.deepEqual(guesses, [401, 401, 401, 401, 401, 429, 429], 'blocked after 5, whatever the spelling');
    assert.equal(await signIn('198.51.100.8', 'bob', 'builder'), 429, 'the guessing address, even with the password');
  });

  it('guesses from many addresses slow alice down (counted per user) but never refuse her', async () => {
    const before = server.app.context.loginThrottle.count('user|bob');
    for (let i = 0; i < 4; i++)
      for (let j = 0; j < 2; j++) assert.equal(await signIn(`203.0.113.${i + 1}`, 'bob', `guess-${i}-${j}`), 401);
    const failures = server.app.context.loginThrottle.count('user|bob');
    assert.equal(failures - before, 8, 'every failure counts for the user, whatever its address');
    assert.ok(loginDelayMs(failures) > 0, 'so the next check for bob waits');
    assert.equal(await signIn('192.0.2.20', 'bob', 'builder'), 303, 'and bob still gets in');
  });
});

describe("docs/security.md §S6: Drive's first-party sign-in (password grant) counts failures per end-user address", () => {
  let server: TestServer;
  before(async () => {
    server = await startAuthServer();
  });
  after(() => server.destroy());
  const driveWeb = buildBasicAuthorization('drive-web', DRIVE_WEB_SECRET);

  function passwordGrant(username: string, password: string, auth: string, address?: string) {
    const headers = address ? { 'end-user-address': address } : undefined;
    return fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth, ...headers },
      body: new URLSearchParams({ grant_type: 'password', username, password }),
    });
  }

  it("one learner's wrong passwords block that learner's address only: alice signs in through Drive from hers", async () => {
    for (let i = 0; i < 5; i++)
      assert.equal((await passwordGrant('alice', `guess-${i}`, driveWeb, '198.51.100.50')).status, 400);
    const blocked = (await (await passwordGrant('alice', 'wonderland', driveWeb, '198.51.100.50')).json()) as {
      error_description: string;
    };
    assert.match(blocked.error_description, /Too many failed attempts/);
    const res = await passwordGrant('alice', 'wonderland', driveWeb, '192.0.2.50');
    assert.equal(res.status, 200, 'another address: signed in');
  });

  it('End-User-Address is not an IP address: ignored, the failures count for the caller itself', async () => {
    for (let i = 0; i < 5; i++)
      assert.equal((await passwordGrant('bob', `guess-${i}`, driveWeb, `not-an-address-${i}`)).status, 400);
    const blocked = (await (await passwordGrant('bob', 'builder', driveWeb, 'another-name')).json()) as {
      error_description: string;
    };
    assert.match(blocked.error_description, /Too many failed attempts/, 'a made-up value buys no fresh guesses');
  });

  it('a client not registered to forward addresses cannot buy fresh guesses with the header', async () => {
    const secret = 'other-first-party-secret-0123456789-0123456789-0123456789';
    server.app.context.clients.upsert({
      client_id: 'other-first-party',
      name: 'Other',
      description: 'A password-grant client that is not trusted with addresses',
      client_type: 'confidential',
      token_endpoint_auth_method: 'client_secret_basic',
      secret_hash: hashClientSecret(secret),
      redirect_uris: [],
      grant_types: ['password'],
      response_types: [],
      scope: ['photos.read'],
      required_scope: [],
      forwards_user_address: false,
    });
    const other = buildBasicAuthorization('other-first-party', secret);
    for (let i = 0; i < 5; i++)
      assert.equal((await passwordGrant('nobody-here', `guess-${i}`, other, `198.51.100.${100 + i}`)).status, 400);
    const blocked = (await (await passwordGrant('nobody-here', 'x', other, '198.51.100.200')).json()) as {
      error_description: string;
    };
    assert.match(blocked.error_description, /Too many failed attempts/);
  });
});

describe('issue 15: a full sign-in queue answers 503 with Retry-After at once, never a hang', () => {
  let server: TestServer;
  before(async () => {
    server = await startAuthServer();
  });
  after(() => server.destroy());

  it('the sign-in page says the auth server is busy and when to try again; the same form works afterwards', async () => {
    const browser = new Browser(server.url);
    const start = await browser.request(authorizePath(validAuthorizeParams()));
    const interaction = start.headers.get('location')!;
    const page = await (await browser.request(interaction)).text();
    const post = () =>
      browser.request(`${interaction}/login`, {
        method: 'POST',
        body: new URLSearchParams({ csrf: csrfFrom(page), username: 'alice', password: 'wonderland' }),
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
      });
    const concurrency = passwordCheckConcurrency();
    // A queue that admits no wait at all, its only slot taken: the next sign-in is over the deadline.
    configurePasswordChecks({ concurrency: 1, maxWaitMs: 0 });
    let release = () => {};
    const holding = takeTurnForPasswordCheck(() => new Promise<void>((resolve) => (release = resolve)));
    try {
      const busy = await post();
      assert.equal(busy.status, 503);
      assert.ok(Number(busy.headers.get('retry-after')) >= 1, 'Retry-After in seconds (RFC 9110 §10.2.3)');
      assert.match(await busy.text(), /busy/);
    } finally {
      release();
      await holding;
      configurePasswordChecks({ concurrency, maxWaitMs: 10_000 });
    }
    const retried = await post();
    assert.equal(retried.status, 303, 'sent again after Retry-After, the same form signs in');
  });
});
