import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  authorize,
  authorizePath,
  Browser,
  codeFlowTokens,
  csrfFrom,
  BROWSER_CLIENT,
  DRIVE_SECRET,
  PRINTER,
  startAuthServer,
  tokenRequest,
  validAuthorizeParams,
  type TestServer,
} from './helpers.js';
import { buildBasicAuthorization } from '@oauth-demo/tokens';

describe('Remembered consent and Connected apps', () => {
  let server: TestServer;
  before(async () => {
    server = await startAuthServer();
  });
  after(() => server.destroy());

  const introspect = async (token: string) =>
    (await (
      await fetch(`${server.url}/introspect`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          authorization: buildBasicAuthorization('drive', DRIVE_SECRET),
        },
        body: new URLSearchParams({ token }),
      })
    ).json()) as { active: boolean };

  it('remembers consent per user and client: the second authorization asks nothing', async () => {
    const { browser } = await authorize(server);
    const start = await browser.get(authorizePath(validAuthorizeParams({ state: 'again' })));
    const interaction = await browser.get(start.headers.get('location')!);
    assert.equal(interaction.status, 303);
    const location = new URL(interaction.headers.get('location')!);
    assert.equal(`${location.origin}${location.pathname}`, PRINTER.redirectUri);
    assert.equal(location.searchParams.get('state'), 'again');
    assert.ok(location.searchParams.get('code'));
  });

  it('a scope not granted before asks again, showing what was already allowed', async () => {
    const { browser } = await authorize(server, { scopes: [] }); // photos.read only
    const start = await browser.get(authorizePath(validAuthorizeParams()));
    const page = await (await browser.get(start.headers.get('location')!)).text();
    assert.match(page, /Photo Printer wants to access your Drive/);
    assert.match(page, /you allowed this before/);
    assert.match(page, /id="scope-offline_access"/);
  });

  it('?client_id= lists that app first, the others after it in their order (the lesson bar opens it so)', async () => {
    // Two apps connected: Photo Printer first, then the browser app (quick print).
    const { browser } = await authorize(server);
    await authorize(server, {
      browser,
      params: { client_id: BROWSER_CLIENT.clientId, redirect_uri: BROWSER_CLIENT.redirectUri, scope: 'photos.read' },
    });
    const order = async (path: string) =>
      [
        ...(await (await browser.get(path)).text()).matchAll(
          /<button type="submit" class="secondary">Remove ([^<]+)</g,
        ),
      ].map((m) => m[1]);
    const plain = await order('/apps');
    assert.equal(plain.length, 2);
    const printerName = plain.find((name) => !name!.includes('browser'))!;
    const browserName = plain.find((name) => name!.includes('browser'))!;
    assert.deepEqual(await order(`/apps?client_id=${BROWSER_CLIENT.clientId}`), [browserName, printerName]);
    assert.deepEqual(await order(`/apps?client_id=${PRINTER.clientId}`), [printerName, browserName]);
    assert.deepEqual(await order('/apps?client_id=unknown'), plain);
    // Leave only what the next tests expect: the browser app removed again.
    const html = await (await browser.get('/apps')).text();
    assert.equal((await browser.post(`/apps/${BROWSER_CLIENT.clientId}/remove`, { csrf: csrfFrom(html) })).status, 303);
  });

  it('lists connected apps with their scopes, and removing one revokes its grant and every token', async () => {
    const tokens = await codeFlowTokens(server);
    const { browser } = await authorize(server, { keepConsent: true });
    const apps = await browser.get('/apps');
    assert.equal(apps.status, 200);
    const html = await apps.text();
    assert.match(html, /Photo Printer/);
    assert.match(html, /photos\.read/);
    assert.match(html, /Allowed since \d{4}-\d{2}-\d{2}/);
    assert.equal((await introspect(tokens.access_token)).active, true);

    const removed = await browser.post(`/apps/${PRINTER.clientId}/remove`, { csrf: csrfFrom(html) });
    assert.equal(removed.status, 303);
    assert.equal((await introspect(tokens.access_token)).active, false);
    assert.equal(
      (await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! })).status,
      400,
    );
    const after = await (await browser.get('/apps')).text();
    assert.doesNotMatch(after, /Remove Photo Printer/);

    // And the next authorization asks again.
    const start = await browser.get(authorizePath(validAuthorizeParams()));
    assert.match(
      await (await browser.get(start.headers.get('location')!)).text(),
      /Photo Printer wants to access your Drive/,
    );
  });

  it('removing an app needs the CSRF token', async () => {
    const { browser } = await authorize(server);
    const res = await browser.post(`/apps/${PRINTER.clientId}/remove`, { csrf: 'forged' });
    assert.equal(res.status, 403);
  });

  it('the Connected apps page asks you to sign in first', async () => {
    const res = await new Browser(server.url).get('/apps');
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/login?return_to=%2Fapps');
  });

  it('after sign-in, comes back to the Connected apps page it was asked for, query and all', async () => {
    const browser = new Browser(server.url);
    const res = await browser.get(`/apps?client_id=${PRINTER.clientId}`);
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), `/login?return_to=%2Fapps%3Fclient_id%3D${PRINTER.clientId}`);
    const page = await (await browser.get(res.headers.get('location')!)).text();
    const action = /action="([^"]+)"/.exec(page)![1]!.replace(/&amp;/g, '&');
    const signedIn = await browser.post(action, { csrf: csrfFrom(page), username: 'alice', password: 'wonderland' });
    assert.equal(signedIn.headers.get('location'), `/apps?client_id=${PRINTER.clientId}`);
  });

  it('in presenter view, n goes on with the lesson bar’s lesson_next, through the sign-in and the Remove', async () => {
    await authorize(server); // alice has allowed Photo Printer: there is an app to remove
    const token = 'AbCdEfGhIjKlMnOpQrStUv';
    const lessonHref = (html: string) => /data-lesson-href="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
    const browser = new Browser(server.url);
    await browser.get('/presenter?set=on&next=%2F');
    const toLogin = await browser.get(`/apps?client_id=${PRINTER.clientId}&lesson_next=${token}`);
    const page = await (await browser.get(toLogin.headers.get('location')!)).text();
    assert.match(lessonHref(page)!, new RegExp(`/lesson/next\\?lesson_next=${token}$`));
    const action = /action="([^"]+)"/.exec(page)![1]!.replace(/&amp;/g, '&');
    const signedIn = await browser.post(action, { csrf: csrfFrom(page), username: 'alice', password: 'wonderland' });
    const apps = await (await browser.get(signedIn.headers.get('location')!)).text();
    assert.match(lessonHref(apps)!, new RegExp(`/lesson/next\\?lesson_next=${token}$`), 'kept through the sign-in');
    const removed = await browser.post(`/apps/${PRINTER.clientId}/remove`, { csrf: csrfFrom(apps) });
    assert.equal(removed.headers.get('location'), '/apps?removed=1');
    const after = await (await browser.get(removed.headers.get('location')!)).text();
    assert.match(lessonHref(after)!, new RegExp(`/lesson/next\\?lesson_next=${token}$`), 'kept after Remove');
    // Anything but the printer's token shape is ignored: n opens the plan, as without a lesson bar.
    const other = new Browser(server.url);
    await other.get('/presenter?set=on&next=%2F');
    const login = await (await other.get('/login?lesson_next=%22%3E%3Cscript%3E')).text();
    assert.match(lessonHref(login)!, /\/lesson$/);
    assert.doesNotMatch(login, /<script>/);
  });

  for (const evil of [
    'https://evil.example/',
    '//evil.example/x',
    '/\\evil.example',
    'javascript:alert(1)',
    '\\\\evil.example',
  ]) {
    it(`RFC 9700 §4.11: no open redirect after sign-in (return_to=${evil})`, async () => {
      const browser = new Browser(server.url);
      const page = await (await browser.get(`/login?return_to=${encodeURIComponent(evil)}`)).text();
      const action = /action="([^"]+)"/.exec(page)![1]!.replace(/&amp;/g, '&');
      const res = await browser.post(action, { csrf: csrfFrom(page), username: 'alice', password: 'wonderland' });
      assert.equal(res.status, 303);
      assert.equal(res.headers.get('location'), '/apps');
    });
  }

  it('a relative return_to is followed after sign-in', async () => {
    const browser = new Browser(server.url);
    const page = await (await browser.get('/login?return_to=%2F')).text();
    const res = await browser.post('/login?return_to=%2F', {
      csrf: csrfFrom(page),
      username: 'alice',
      password: 'wonderland',
    });
    assert.equal(res.headers.get('location'), '/');
  });
});
