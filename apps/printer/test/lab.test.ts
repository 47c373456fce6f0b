/**
 * The attack lab's routes (routes/lab.ts) against the stub auth server and Drive, without Mallory's site (her
 * address answers nothing here): the switches live in each learner's session, the lab copy skips only the check
 * that was switched off, and the real printer's callback is untouched by any switch.
 */
import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { SCENARIOS } from '../src/lab/scenarios.js';
import { Browser, startStubStack } from './helpers.js';

// Mallory's site is not running in these tests: a closed port (the discard service) answers nothing.
const stack = await startStubStack({
  env: { ATTACKER_INTERNAL_URL: 'http://127.0.0.1:9', ATTACKER_PUBLIC_URL: 'http://localhost:4999' },
});
const { auth, printer } = stack;
after(() => stack.stop());
beforeEach(() => stack.reset());

async function setDefense(browser: Browser, id: string, to: 'on' | 'off') {
  const page = await browser.get(`/lab/${id}`);
  const posted = await browser.post(`/lab/${id}/defense`, { csrf: Browser.csrf(page), defense: to });
  assert.equal(posted.status, 303);
}

async function run(browser: Browser, id: string) {
  const page = await browser.get(`/lab/${id}`);
  return browser.post(`/lab/${id}/run`, { csrf: Browser.csrf(page) });
}

describe('the attack lab', () => {
  it('lists the eight scenarios, each with what Mallory gains, and is linked from home and the grants page', async () => {
    const browser = new Browser(printer.base);
    const lab = await browser.get('/lab');
    assert.equal(lab.status, 200);
    assert.equal(SCENARIOS.length, 8);
    const listed = [...lab.text.matchAll(/<li value="(\d)">/g)].map((m) => Number(m[1]));
    assert.deepEqual(listed, [1, 2, 3, 4, 5, 6, 7, 8], 'listed in the issue’s numbering');
    for (const s of SCENARIOS) {
      assert.ok(lab.text.includes(`href="/lab/${s.id}"`), s.id);
      const page = await browser.get(`/lab/${s.id}`);
      assert.equal(page.status, 200, s.id);
      assert.match(page.text, /What Mallory gains:/);
      assert.ok(page.text.includes(s.references[0]!), `${s.id} names ${s.references[0]}`);
      assert.ok(
        page.text.indexOf('What Mallory gains:') < page.text.indexOf(s.references[0]!),
        'the gain before any RFC word',
      );
    }
    assert.match(
      lab.text,
      /action="\/teaching"/,
      'the teaching panel (instructor mode, for the projector) is on the lab pages',
    );
    assert.match((await browser.get('/')).text, /href="\/lab"/);
    assert.match((await browser.get('/grants')).text, /href="\/lab"/);
    assert.equal((await browser.get('/lab/nope')).status, 404);
  });

  it('keeps each learner’s switches in their own session', async () => {
    const one = new Browser(printer.base);
    const two = new Browser(printer.base);
    await setDefense(one, 'csrf', 'off');
    assert.match((await one.get('/lab/csrf')).text, /<strong id="defense-state">OFF<\/strong>/);
    assert.match((await two.get('/lab/csrf')).text, /<strong id="defense-state">ON<\/strong>/);
  });

  it('refuses a switch or a run without the form token', async () => {
    const browser = new Browser(printer.base);
    await browser.get('/lab/csrf');
    assert.equal((await browser.post('/lab/csrf/defense', { defense: 'off' })).status, 403);
    assert.equal((await browser.post('/lab/csrf/run', {})).status, 403);
  });

  it('scenario 1, defense on: an answer without state is refused and no token is asked for', async () => {
    const browser = new Browser(printer.base);
    const answer = await browser.get(
      `/lab/callback?${new URLSearchParams({ code: 'mallorys-code', iss: auth.publicUrl })}`,
    );
    assert.equal(answer.status, 303);
    assert.equal(answer.location, '/lab/csrf#results');
    assert.match((await browser.get('/lab/csrf')).text, /The attack failed\.[\s\S]*the answer has no state/);
    assert.equal(auth.tokenRequests.length, 0);
  });

  it('a switch never reaches the real printer: its /callback still refuses an answer without state', async () => {
    const browser = new Browser(printer.base);
    await setDefense(browser, 'csrf', 'off');
    const real = await browser.get(`/callback?${new URLSearchParams({ code: 'mallorys-code', iss: auth.publicUrl })}`);
    assert.equal(real.status, 400);
    assert.match(real.text, /no state parameter/);
    assert.equal(auth.tokenRequests.length, 0);
  });

  it('scenario 2: the lab copy (public) asks without PKCE only when the switch is off', async () => {
    const browser = new Browser(printer.base);
    const on = new URL((await run(browser, 'pkce')).location!);
    assert.equal(on.searchParams.get('client_id'), 'photo-printer-lab-public');
    assert.equal(on.searchParams.get('code_challenge_method'), 'S256');
    assert.ok(on.searchParams.get('state'));
    await setDefense(browser, 'pkce', 'off');
    const off = new URL((await run(browser, 'pkce')).location!);
    assert.equal(off.searchParams.get('code_challenge'), null);
    assert.ok(off.searchParams.get('state'), 'only PKCE is off: state stays');
  });

  it('the careless “continue to” redirect of scenario 3 goes to http(s) only', async () => {
    const browser = new Browser(printer.base);
    const go = await browser.get(`/lab/go?${new URLSearchParams({ to: 'http://localhost:4999/catch/x', code: 'c' })}`);
    assert.equal(go.status, 303);
    assert.equal(go.location, 'http://localhost:4999/catch/x?code=c');
    assert.equal((await browser.get(`/lab/go?${new URLSearchParams({ to: 'javascript:alert(1)' })}`)).status, 404);
  });

  it('scenario 6: the callback page lets in Mallory’s script, and no other page does', async () => {
    const browser = new Browser(printer.base);
    const page = await browser.get('/lab/implicit-callback');
    assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self' http:\/\/localhost:4999/);
    assert.match(page.text, /<script src="http:\/\/localhost:4999\/filters\/widget\.js\?run=/);
    assert.doesNotMatch((await browser.get('/lab/implicit')).headers.get('content-security-policy') ?? '', /4999/);
  });
});

describe('the lab copy’s callback', () => {
  it('refuses an answer whose state matches no lab request with a page (400), and asks for no token', async () => {
    const browser = new Browser(printer.base);
    const answer = await browser.get(
      `/lab/callback?${new URLSearchParams({ code: 'c', state: 'forged', iss: auth.publicUrl })}`,
    );
    assert.equal(answer.status, 400);
    assert.match(answer.text, /matches no request the attack lab started/);
    assert.equal(auth.tokenRequests.length, 0);
  });
});
