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
