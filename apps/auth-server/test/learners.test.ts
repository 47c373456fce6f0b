/**
 * Issue 18 items 3-4: what the printer's exercises and class board may ask about learners, and who may ask.
 * Only the printer, authenticated as itself; nothing secret in the answers.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildBasicAuthorization } from '@oauth-demo/tokens';
import {
  authorize,
  Browser,
  codeFlowTokens,
  csrfFrom,
  DRIVE_SECRET,
  PRINTER,
  PRINTER_SECRET,
  startAuthServer,
  type TestServer,
} from './helpers.js';

describe('the printer asks about learners (/_demo/learners, /_demo/learner-state)', () => {
  let server: TestServer;
  before(async () => {
    server = await startAuthServer();
    server.app.context.users.create('ada.l', 'x', 200);
    server.app.context.users.create('grace', 'x', 200);
  });
  after(() => server.destroy());

  const ask = (path: string, form: Record<string, string>, authorization?: string) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(authorization ? { authorization } : {}),
      },
      body: new URLSearchParams(form),
    });
  const asPrinter = buildBasicAuthorization(PRINTER.clientId, PRINTER_SECRET);

  it('lists the learners who joined, not the seeded demo accounts', async () => {
    const response = await ask('/_demo/learners', {}, asPrinter);
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await response.json(), { learners: [{ sub: 'ada.l' }, { sub: 'grace' }] });
  });

  it("tells a learner's grants, revoked ones with when, and nothing secret", async () => {
    const tokens = await codeFlowTokens(server);
    const { browser } = await authorize(server, { keepConsent: true });
    const apps = await (await browser.get('/apps')).text();
    await browser.post(`/apps/${PRINTER.clientId}/remove`, { csrf: csrfFrom(apps) });
    const response = await ask('/_demo/learner-state', { sub: 'alice' }, asPrinter);
    assert.equal(response.status, 200);
    const text = await response.text();
    const state = JSON.parse(text) as { sub: string; grants: { client_id: string; revoked_at: number | null }[] };
    assert.equal(state.sub, 'alice');
    const printer = state.grants.filter((g) => g.client_id === PRINTER.clientId);
    assert.ok(printer.length >= 1);
    assert.ok(printer.every((g) => typeof g.revoked_at === 'number'));
    assert.ok(!text.includes(tokens.access_token) && !text.includes(tokens.refresh_token!));
    assert.doesNotMatch(text, /hash|secret|password/);
  });

  /** The kiosk starts a device request (RFC 8628 §3.1); `browser` types its code, signs in if needed, approves. */
  async function approveKiosk(browser: Browser, user: string, password: string): Promise<void> {
    const started = await fetch(`${server.url}/device_authorization`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: 'photo-kiosk', scope: 'photos.read' }),
    });
    assert.equal(started.status, 200);
    const { user_code } = (await started.json()) as { user_code: string };
    const form = await (await browser.get('/device')).text();
    const typed = await browser.post('/device', { csrf: csrfFrom(form), user_code });
    assert.equal(typed.headers.get('location'), '/device/confirm');
    let confirm = await browser.get('/device/confirm');
    if (confirm.status === 303) {
      const login = await (await browser.get('/login?return_to=%2Fdevice%2Fconfirm')).text();
      const signedIn = await browser.post('/login?return_to=%2Fdevice%2Fconfirm', {
        csrf: csrfFrom(login),
        username: user,
        password,
      });
      assert.equal(signedIn.status, 303);
      confirm = await browser.get('/device/confirm');
    }
    assert.equal(confirm.status, 200);
    const done = await browser.post('/device/confirm', { csrf: csrfFrom(await confirm.text()), decision: 'allow' });
    assert.equal(done.status, 200);
  }

  const devicesOf = async (sub: string) => {
    const response = await ask('/_demo/learner-state', { sub }, asPrinter);
    assert.equal(response.status, 200);
    const text = await response.text();
    return {
      text,
      devices: (JSON.parse(text) as { devices: { client_id: string; same_browser_as_code_flow: unknown }[] }).devices,
    };
  };

  it('tells, per device approval, only whether it came from the browser used for Photo Printer (RFC 8628 §3.3)', async () => {
    // Before any code flow there is nothing to compare with: null.
    const first = new Browser(server.url);
    await approveKiosk(first, 'bob', 'builder');
    assert.deepEqual(
      (await devicesOf('bob')).devices.map((d) => d.same_browser_as_code_flow),
      [null],
    );
    // The code flow for Photo Printer in the laptop's browser, then the kiosk approved in that same browser...
    const { browser: laptop } = await authorize(server, { user: 'bob', password: 'builder' });
    await approveKiosk(laptop, 'bob', 'builder');
    // ...and in a second browser (another cookie jar: the phone).
    await approveKiosk(new Browser(server.url), 'bob', 'builder');
    const { text, devices } = await devicesOf('bob');
    assert.deepEqual(
      devices.map((d) => [d.client_id, d.same_browser_as_code_flow]),
      [
        ['photo-kiosk', false], // compared when asked: that first browser never authorized Photo Printer
        ['photo-kiosk', true],
        ['photo-kiosk', false],
      ],
    );
    // Neither the browser ids nor their hashes leave the server, nor the session cookie.
    assert.doesNotMatch(text, /hash|browser_id|[A-Za-z0-9_-]{43}/);
    for (const value of laptop.cookies.values()) assert.ok(!text.includes(value));
    // Signing in again (a new session id) is still the same browser.
    await authorize(server, { user: 'bob', password: 'builder', params: { prompt: 'login' }, browser: laptop });
    await approveKiosk(laptop, 'bob', 'builder');
    assert.equal((await devicesOf('bob')).devices.at(-1)?.same_browser_as_code_flow, true);
  });

  it('refuses anyone but the printer: no authentication, another client, a browser', async () => {
    for (const path of ['/_demo/learners', '/_demo/learner-state']) {
      const anonymous = await ask(path, { sub: 'alice' });
      assert.equal(anonymous.status, 401, path);
      assert.equal(((await anonymous.json()) as { error: string }).error, 'invalid_client');
      const drive = await ask(path, { sub: 'alice' }, buildBasicAuthorization('drive', DRIVE_SECRET));
      assert.equal(drive.status, 401, path);
      const browser = new Browser(server.url);
      const signedIn = await browser.get(path);
      assert.equal(signedIn.status, 404, path);
    }
    const missing = await ask('/_demo/learner-state', {}, asPrinter);
    assert.equal(missing.status, 400);
    assert.equal(((await missing.json()) as { error: string }).error, 'invalid_request');
  });
});
