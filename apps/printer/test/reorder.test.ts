/**
 * Re-order (the Refresh grant in the story): a re-order needs Drive again; when the access token has expired the
 * printer refreshes it first, the refresh token rotates, and the new order's page shows both fingerprints.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, beforeEach, describe, it } from 'node:test';
import { Browser, PHOTOS, connect, startStubStack, stepBars } from './helpers.js';

const stack = await startStubStack();
const { tokens, auth, drive, printer } = stack;
after(() => stack.stop());
beforeEach(() => stack.reset());

const fp = (token: string) => `sha256:${createHash('sha256').update(token).digest('hex').slice(0, 6)}`;

/** Connect, place an order of two photos; returns the browser and the order's path. */
async function placeFirstOrder(): Promise<{ browser: Browser; orderPath: string }> {
  const browser = new Browser(printer.base);
  await connect(browser, auth.publicUrl);
  const photos = await browser.get('/photos');
  const placed = await browser.post('/orders', {
    csrf: Browser.csrf(photos),
    photo: [PHOTOS[0]!.id, PHOTOS[2]!.id],
    size: '5x7',
    copies: '2',
  });
  assert.equal(placed.status, 303);
  return { browser, orderPath: placed.location! };
}

async function pressReorder(browser: Browser, orderPath: string) {
  const order = await browser.get(orderPath);
  assert.match(order.text, /<button type="submit">Re-order<\/button>/);
  return browser.post(`${orderPath}/reorder`, { csrf: Browser.csrf(order) });
}

describe('POST /orders/:id/reorder', () => {
  it('with a valid access token: checks the photos with Drive again and places a new order, no refresh', async () => {
    const { browser, orderPath } = await placeFirstOrder();
    const before = auth.tokenRequests.length;
    const contentCalls = drive.requests.length;
    const reordered = await pressReorder(browser, orderPath);
    assert.equal(reordered.status, 303);
    assert.match(reordered.location ?? '', /^\/orders\/[A-Za-z0-9_-]{22}$/);
    assert.notEqual(reordered.location, orderPath);
    assert.equal(auth.tokenRequests.length, before, 'no token request');
    assert.ok(drive.requests.length > contentCalls, 'Drive was asked again');
    const page = await browser.get(reordered.location!);
    assert.match(page.text, /Re-ordered: a copy of order/);
    assert.match(page.text, /the access token was still valid/);
    assert.match(page.text, /5×7 in/);
    assert.ok(page.text.includes(PHOTOS[0]!.title) && page.text.includes(PHOTOS[2]!.title));
    // No refresh happened: only steps 7-8 of the Authorization Code flow that got the token, no refresh step.
    assert.deepEqual(
      stepBars(page.text).map((b) => [b.grant, b.active]),
      [['authorization_code', [7, 8]]],
    );
  });

  it('with an expired access token: refreshes (rotation), shows both fingerprints and steps 5-6 then 7-8', async () => {
    auth.expiresIn = 1; // every token the stub issues now is inside the printer's 30 s margin: expired
    const { browser, orderPath } = await placeFirstOrder(); // (placing it already refreshed once)
    const liveBefore = [...tokens.refresh].filter(([, s]) => s === 'live').map(([t]) => t);
    assert.equal(liveBefore.length >= 1, true);
    const firstRequests = auth.tokenRequests.length;

    const reordered = await pressReorder(browser, orderPath);
    assert.equal(reordered.status, 303);
    const refreshes = auth.tokenRequests.slice(firstRequests);
    assert.equal(refreshes.length, 1, 'exactly one refresh');
    assert.equal(refreshes[0]!.form.get('grant_type'), 'refresh_token');
    const oldRefresh = refreshes[0]!.form.get('refresh_token')!;
    assert.equal(tokens.refresh.get(oldRefresh), 'rotated', 'the old refresh token is dead at the auth server');
    const newRefresh = [...tokens.refresh].find(([t, s]) => s === 'live' && !liveBefore.includes(t))?.[0];
    assert.ok(newRefresh, 'a new refresh token was issued');

    const page = await browser.get(reordered.location!);
    assert.match(page.text, /Steps 5-6 again: the access token (had expired|was about to expire)/);
    assert.ok(
      page.text.includes(`<td><code>${fp(oldRefresh)}</code></td><td><code>${fp(newRefresh)}</code></td>`),
      'both refresh token fingerprints',
    );
    assert.match(page.text, /The old one \(<code>sha256:[0-9a-f]{6}<\/code>\) is now dead/);
    assert.match(page.text, /answered <code>"active": false<\/code>/, 'introspection of the old refresh token shown');
    assert.equal(
      auth.introspections.at(-1)?.form.get('token'),
      oldRefresh,
      'asked about the old refresh token, read-only',
    );
    assert.deepEqual(stepBars(page.text), [
      { grant: 'refresh_token', steps: [5, 6, 7, 8], active: [5, 6, 7, 8], refused: [] },
    ]);
    assert.match(page.text, /Photo Printer refreshes the expired access token/);
    // No token in what the browser sees.
    for (const token of [...tokens.valid, ...tokens.refresh.keys()]) assert.ok(!page.text.includes(token));
    // The note is shown once.
    assert.doesNotMatch((await browser.get(reordered.location!)).text, /Re-ordered/);
  });

  it('“Don’t wait”: the printer treats its access token as expired, so the next re-order refreshes it first', async () => {
    const { browser, orderPath } = await placeFirstOrder();
    const order = await browser.get(orderPath);
    assert.match(order.text, /Don’t wait: treat the access token as expired/);
    const expired = await browser.post(`${orderPath}/expire-access-token`, { csrf: Browser.csrf(order) });
    assert.equal(expired.status, 303);
    assert.equal(expired.location, orderPath);
    const after = await browser.get(orderPath);
    assert.match(after.text, /so it will be refreshed first/);
    assert.match(
      after.text,
      /data-notice>Done: Photo Printer now treats its access token as expired/,
      'a confirmation',
    );
    assert.match(after.text, /treats yours as expired since you pressed/, 'not “expired 0 s ago”');
    assert.doesNotMatch(after.text, /<button[^>]*>Don’t wait/, 'offered only while the token is still valid');
    const before = auth.tokenRequests.length;
    const reordered = await browser.post(`${orderPath}/reorder`, { csrf: Browser.csrf(after) });
    assert.equal(reordered.status, 303);
    const refreshes = auth.tokenRequests.slice(before);
    assert.equal(refreshes.length, 1);
    assert.equal(refreshes[0]!.form.get('grant_type'), 'refresh_token');
    // The new order's page tells the truth: the token was only treated as expired, it had not expired.
    const page = await browser.get(reordered.location!);
    assert.match(
      page.text,
      /Steps 5-6 again: Photo Printer treated the access token as expired because you pressed “Don’t wait”/,
    );
    assert.match(page.text, /it had not expired: its real expiry is/);
    assert.doesNotMatch(page.text, /the access token had expired/);
    // Without the form token, nothing changes.
    assert.equal((await browser.post(`${orderPath}/expire-access-token`, {})).status, 403);
  });

  it('a revoked refresh token: a page that says the permission is gone, offers a new import and keeps the flow’s timeline', async () => {
    const { browser, orderPath } = await placeFirstOrder();
    const order = await browser.get(orderPath);
    await browser.post(`${orderPath}/expire-access-token`, { csrf: Browser.csrf(order) });
    // The learner removed Photo Printer under Connected apps: the auth server now refuses the refresh token.
    auth.tokenError = 'invalid_grant';
    const refused = await pressReorder(browser, orderPath);
    assert.equal(refused.status, 403, 'not a bare 502: the auth server answered, and it said no');
    assert.match(refused.text, /permission to read your Drive is gone/);
    assert.match(refused.text, /revoked/);
    assert.match(refused.text, /Connected apps/);
    assert.match(refused.text, /href="\/#import"[^>]*>Import photos from Drive again/);
    assert.match(
      refused.text,
      /href="\/timeline\?trace=[0-9a-f]{32}" data-error-timeline/,
      'the error page keeps this flow’s timeline',
    );
    const home = await browser.get('/');
    assert.match(home.text, /data-connection="none"/, 'the dead tokens are forgotten');
  });

  it('the inspector shows the rotated refresh token as dead and the new one as active (introspection as the printer)', async () => {
    const { browser, orderPath } = await placeFirstOrder();
    const order = await browser.get(orderPath);
    await browser.post(`${orderPath}/expire-access-token`, { csrf: Browser.csrf(order) });
    assert.equal((await pressReorder(browser, orderPath)).status, 303);
    const page = await browser.get('/inspect');
    const states = [...page.text.matchAll(/data-kind="refresh_token"[\s\S]*?data-state="([a-z]+)"/g)].map((m) => m[1]);
    assert.deepEqual(states.sort(), ['active', 'rotated']);
    assert.match(page.text, /State: rotated, dead/);
    assert.ok(auth.introspections.length >= 2, 'the printer asked the auth server');
  });

  it('refuses without the CSRF token, and sends a browser that is not connected home', async () => {
    const { browser, orderPath } = await placeFirstOrder();
    assert.equal((await browser.post(`${orderPath}/reorder`, {})).status, 403);
    const order = await browser.get(orderPath);
    const home = await browser.get('/');
    await browser.post('/disconnect', { csrf: Browser.csrf(home) });
    const page = await browser.post(`${orderPath}/reorder`, { csrf: Browser.csrf(order) });
    assert.equal(page.status, 303);
    assert.equal(page.location, '/');
  });

  it('is refused for another browser’s order (404)', async () => {
    const { browser, orderPath } = await placeFirstOrder();
    const other = new Browser(printer.base);
    await connect(other, auth.publicUrl);
    const page = await other.get('/');
    assert.equal((await other.post(`${orderPath}/reorder`, { csrf: Browser.csrf(page) })).status, 404);
    assert.ok(browser);
  });
});
