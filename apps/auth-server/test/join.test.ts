/**
 * Issue 12 item 2: a learner joins the class from the sign-in page with a name and a password, and is a
 * resource owner of their own: their consent and revocation never touch another user's.
 */
import assert from 'node:assert/strict';
import { decodeJwt } from 'jose';
import { after, before, describe, it } from 'node:test';
import {
  Browser,
  PRINTER,
  PRINTER_SECRET,
  authorizePath,
  csrfFrom,
  startAuthServer,
  tokenRequest,
  validAuthorizeParams,
  type TestServer,
} from './helpers.js';
import { buildBasicAuthorization, generateCodeVerifier } from '@oauth-demo/tokens';

let server: TestServer;
let maxUsers = 0;
before(async () => {
  server = await startAuthServer();
  // Room for exactly three learners beside the seeded users (alice, bob, and whoever else the seed holds).
  maxUsers = server.app.context.users.count() + 3;
  server.app.context.config.maxUsers = maxUsers;
});
after(() => server.destroy());

/** Steps 2-6 for a new learner who joins on the sign-in page: returns their tokens. */
async function joinAndAuthorize(username: string, password = 'correct-horse') {
  const browser = new Browser(server.url);
  const verifier = generateCodeVerifier();
  const start = await browser.get(authorizePath(validAuthorizeParams({}, verifier)));
  const interaction = start.headers.get('location')!;
  const login = await browser.get(interaction);
  const page = await login.text();
  assert.match(page, /Join the class/);
  const joined = await browser.post(`${interaction}/join`, { csrf: csrfFrom(page), username, password });
  if (joined.status !== 303) return { status: joined.status, text: await joined.text() };
  const consentPage = await browser.get(interaction);
  const consent = await browser.post(`${interaction}/consent`, {
    csrf: csrfFrom(await consentPage.text()),
    decision: 'allow',
    scope: ['offline_access'],
  });
  const code = new URL(consent.headers.get('location')!).searchParams.get('code')!;
  const res = await tokenRequest(server, {
    grant_type: 'authorization_code',
    code,
    redirect_uri: PRINTER.redirectUri,
    code_verifier: verifier,
  });
  assert.equal(res.status, 200);
  return { status: 303, browser, tokens: (await res.json()) as { access_token: string; refresh_token: string } };
}

let carolRefresh = '';

describe('joining the class', () => {
  it('makes a new resource owner: the name is the sub of their tokens, then they sign in like alice', async () => {
    const carol = await joinAndAuthorize('carol.k');
    carolRefresh = carol.tokens!.refresh_token;
    assert.equal(carol.status, 303);
    assert.equal(decodeJwt(carol.tokens!.access_token).sub, 'carol.k');
    const again = new Browser(server.url);
    const form = await again.get('/login');
    const signIn = await again.post('/login', {
      csrf: csrfFrom(await form.text()),
      username: 'carol.k',
      password: 'correct-horse',
    });
    assert.equal(signIn.status, 303);
  });

  it('refuses bad names, short passwords, a taken name and a client_id, with the reason', async () => {
    const cases: [string, string, number, RegExp][] = [
      ['ab', 'long-enough', 400, /3 to 24 characters/],
      ['carol k', 'long-enough', 400, /letters a-z/],
      ['zoë', 'long-enough', 400, /letters a-z/],
      ['\u212Aate', 'long-enough', 400, /letters a-z/], // the Kelvin sign, which toLowerCase() makes a "k"
      ['CAROL.K', 'long-enough', 409, /That name is taken/],
      ['a'.repeat(25), 'long-enough', 400, /3 to 24/],
      ['dave', 'short', 400, /at least 8 characters/],
      ['alice', 'long-enough', 409, /That name is taken/],
      ['print-lab', 'long-enough', 409, /That name is taken/],
    ];
    for (const [username, password, status, message] of cases) {
      const result = await joinAndAuthorize(username, password);
      assert.equal(result.status, status, username);
      assert.match(result.text!, message, username);
    }
  });

  it('takes a capitalised name as its lower case: one learner, whatever the case typed at join or sign-in', async () => {
    const walker = await joinAndAuthorize('Walker');
    assert.equal(walker.status, 303, walker.text);
    assert.equal(decodeJwt(walker.tokens!.access_token).sub, 'walker');
    assert.ok(server.app.context.users.find('walker'));
    assert.equal(server.app.context.users.find('Walker'), undefined, 'no second spelling stored');
    const twin = await joinAndAuthorize('walker');
    assert.equal(twin.status, 409, '"walker" is the same learner as "Walker"');
    for (const typed of ['Walker', 'WALKER', 'walker']) {
      const browser = new Browser(server.url);
      const form = await browser.get('/login');
      const signIn = await browser.post('/login', {
        csrf: csrfFrom(await form.text()),
        username: typed,
        password: 'correct-horse',
      });
      assert.equal(signIn.status, 303, typed);
    }
    // users.authenticate is the check of the password grant too (RFC 6749 §4.3.2): the id it gives is the one spelling.
    const wrong = await server.app.context.users.authenticate('WALKER', 'not-the-password');
    assert.equal(wrong, undefined);
    assert.equal((await server.app.context.users.authenticate('WaLkEr', 'correct-horse'))?.id, 'walker');
  });

  it('one learner revoking their grant leaves another learner’s tokens working', async () => {
    const erin = await joinAndAuthorize('erin');
    assert.equal(erin.status, 303);
    // alice's and carol's grants are separate from erin's: erin revokes her refresh token (RFC 7009) ...
    const revoke = await fetch(`${server.url}/revoke`, {
      method: 'POST',
      headers: { authorization: tokenRequestAuth(), 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: erin.tokens!.refresh_token }),
    });
    assert.equal(revoke.status, 200);
    const again = await tokenRequest(server, {
      grant_type: 'refresh_token',
      refresh_token: erin.tokens!.refresh_token,
    });
    assert.equal(again.status, 400, 'erin’s grant is gone');
    // ... and carol's grant for the same app still works.
    const carols = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: carolRefresh });
    assert.equal(carols.status, 200, 'carol’s grant is untouched');
  });

  it('is bounded by MAX_USERS, with a clear message', async () => {
    // the seeded users, carol.k, walker and erin = MAX_USERS
    const result = await joinAndAuthorize('frank');
    assert.equal(result.status, 403);
    assert.match(result.text!, new RegExp(`The class is full: it has ${maxUsers} users \\(MAX_USERS\\)`));
  });
});

describe('CLASS_SIGNUP=off', () => {
  it('shows no join form and refuses a join', async () => {
    const closed = await startAuthServer({ env: { CLASS_SIGNUP: 'off' } });
    try {
      const browser = new Browser(closed.url);
      const page = await browser.get('/login');
      const html = await page.text();
      assert.doesNotMatch(html, /Join the class/);
      const refused = await browser.post('/join', {
        csrf: csrfFrom(html),
        username: 'mallory',
        password: 'long-enough',
      });
      assert.equal(refused.status, 403);
      assert.match(await refused.text(), /Joining is turned off/);
    } finally {
      await closed.destroy();
    }
  });
});

function tokenRequestAuth(): string {
  return buildBasicAuthorization(PRINTER.clientId, PRINTER_SECRET);
}
