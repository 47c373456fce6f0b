/**
 * Placing orders, seeing them later, and who may see them. Orders and sessions survive a restart of the printer.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Browser, PHOTOS, connect, startStubStack, svgFor } from './helpers.js';

const stack = await startStubStack();
const { tokens, auth, drive, dataDir } = stack;
let { printer } = stack; // restartPrinter() replaces it
after(() => stack.stop());

function orderCount(): number {
  const dir = join(dataDir, 'orders');
  return existsSync(dir) ? readdirSync(dir).length : 0;
}

async function connectedBrowser(): Promise<{ browser: Browser; csrf: string }> {
  const browser = new Browser(printer.base);
  await connect(browser, auth.publicUrl);
  const photos = await browser.get('/photos');
  return { browser, csrf: Browser.csrf(photos) };
}

describe('POST /orders', () => {
  it('refuses bad input, shows the form again as sent (POST-redirect-GET), and stores nothing', async () => {
    const { browser, csrf } = await connectedBrowser();
    const cases: [Record<string, string | string[]>, RegExp][] = [
      [{ size: '4x6', copies: '1' }, /Choose at least one photo/],
      [{ photo: PHOTOS[0]!.id, size: 'A0', copies: '1' }, /Choose a print size/],
      [{ photo: PHOTOS[0]!.id, size: '__proto__', copies: '1' }, /Choose a print size/],
      [{ photo: PHOTOS[0]!.id, size: '5x7', copies: '0' }, /Copies must be a whole number from 1 to 20/],
      [{ photo: PHOTOS[0]!.id, size: '5x7', copies: '21' }, /Copies must be/],
      [{ photo: PHOTOS[0]!.id, size: '5x7', copies: '1.5' }, /Copies must be/],
      [{ photo: PHOTOS[0]!.id, size: '5x7', copies: 'two' }, /Copies must be/],
      [{ photo: Array.from({ length: 51 }, (_, i) => `p${i}`), size: '5x7', copies: '1' }, /at most 50 photos/],
      [{ photo: '../../etc/passwd', size: '5x7', copies: '1' }, /not a valid photo id/],
    ];
    for (const [form, message] of cases) {
      // POST-redirect-GET: the refused form is shown once on the photos page; a reload does not resubmit it.
      const posted = await browser.post('/orders', { csrf, ...form });
      assert.equal(posted.status, 303, JSON.stringify(form));
      assert.equal(posted.location, '/photos#order');
      const page = await browser.get('/photos');
      assert.match(page.text, message);
      assert.match(page.text, /The order was not placed/);
      assert.doesNotMatch((await browser.get('/photos')).text, /The order was not placed/, 'shown once');
    }
    // Nothing lost: the chosen photo, size and copies come back selected.
    await browser.post('/orders', { csrf, photo: [PHOTOS[1]!.id], size: '8x10', copies: '99' });
    const page = await browser.get('/photos');
    assert.match(page.text, new RegExp(`value="${PHOTOS[1]!.id}" checked`));
    assert.match(page.text, /value="8x10" selected/);
    assert.match(page.text, /value="99"/);
    assert.equal(orderCount(), 0);
    assert.doesNotMatch((await browser.get('/orders')).text, /<a href="\/orders\//);
  });

  it('refuses a photo Drive does not have for this user (400, nothing stored)', async () => {
    const { browser, csrf } = await connectedBrowser();
    const page = await browser.post('/orders', {
      csrf,
      photo: [PHOTOS[0]!.id, 'someone-elses-photo'],
      size: '4x6',
      copies: '1',
    });
    assert.equal(page.status, 400);
    assert.match(page.text, /not on your Drive/);
    assert.equal(orderCount(), 0);
  });

  it('refuses an order without the CSRF token', async () => {
    const { browser } = await connectedBrowser();
    const page = await browser.post('/orders', { photo: PHOTOS[0]!.id, size: '4x6', copies: '1' });
    assert.equal(page.status, 403);
    assert.equal(orderCount(), 0);
  });

  it('refuses an order when not connected', async () => {
    const browser = new Browser(printer.base);
    const home = await browser.get('/');
    const page = await browser.post('/orders', {
      csrf: Browser.csrf(home),
      photo: PHOTOS[0]!.id,
      size: '4x6',
      copies: '1',
    });
    assert.equal(page.status, 303);
    assert.equal(
      page.location,
      '/?notice=not-connected',
      'an anonymous visitor: the notice is named in the URL, no session stored',
    );
  });
});

describe('an order, later', () => {
  let browser: Browser;
  let orderPath: string;

  it('is placed: photos copied from Drive with the token, then the order page', async () => {
    const connected = await connectedBrowser();
    browser = connected.browser;
    const page = await browser.post('/orders', {
      csrf: connected.csrf,
      photo: [PHOTOS[0]!.id, PHOTOS[2]!.id],
      size: '5x7',
      copies: '3',
    });
    assert.equal(page.status, 303);
    assert.match(page.location ?? '', /^\/orders\/[A-Za-z0-9_-]{22}$/);
    orderPath = page.location!;
    const id = orderPath.split('/')[2]!;

    const files = readdirSync(join(dataDir, 'orders', id)).sort();
    assert.deepEqual(files, ['01.svg', '02.svg']);
    assert.equal(readFileSync(join(dataDir, 'orders', id, '01.svg'), 'utf8'), svgFor(PHOTOS[0]!.id));
    const contentCalls = drive.requests.filter((r) => r.url.endsWith('/content'));
    assert.ok(contentCalls.length >= 2, 'content fetched at the (rewritten) content_url');

    const order = await browser.get(orderPath);
    assert.equal(order.status, 200);
    assert.match(order.text, /<h1>Order placed<\/h1>/);
    assert.ok(order.text.includes(id));
    assert.match(order.text, /alice/);
    assert.match(order.text, /5×7 in/);
    assert.match(order.text, /Queued for printing/);
    assert.match(order.text, /\$5\.94/, '2 photos × 3 copies × $0.99');
    assert.ok(order.text.includes(PHOTOS[0]!.title) && order.text.includes(PHOTOS[2]!.title));
    assert.ok(!order.text.includes(PHOTOS[1]!.title));
    assert.match(order.text, /Thank you!/);

    const list = await browser.get('/orders');
    assert.ok(list.text.includes(`href="${orderPath}"`));
  });

  it("serves the item images from the printer's own copies, without Drive or a token", async () => {
    tokens.revokeAll();
    const image = await browser.get(`${orderPath}/items/${PHOTOS[0]!.id}/image`);
    assert.equal(image.status, 200);
    assert.equal(image.headers.get('content-type'), 'image/svg+xml');
    assert.equal(image.text, svgFor(PHOTOS[0]!.id));
    assert.equal((await browser.get(`${orderPath}/items/${PHOTOS[1]!.id}/image`)).status, 404, 'not in this order');
    assert.equal((await browser.get(`${orderPath}/items/..%2F..%2Fprinter.db/image`)).status, 404);
  });

  it('is invisible to another browser session (404)', async () => {
    const other = new Browser(printer.base);
    await other.get('/');
    const page = await other.get(orderPath);
    assert.equal(page.status, 404);
    assert.equal((await other.get(`${orderPath}/items/${PHOTOS[0]!.id}/image`)).status, 404);
    assert.doesNotMatch((await other.get('/orders')).text, /<a href="\/orders\//);
    assert.equal((await other.get('/orders/not-an-id')).status, 404);
  });

  it('survives a restart of the printer, and the same session cookie still opens it', async () => {
    await drive.close(); // the order does not need Drive any more
    printer = await stack.restartPrinter();
    browser.base = printer.base;
    const order = await browser.get(orderPath);
    assert.equal(order.status, 200);
    assert.match(order.text, /Order placed/);
    const image = await browser.get(`${orderPath}/items/${PHOTOS[2]!.id}/image`);
    assert.equal(image.status, 200);
    const home = await browser.get('/');
    assert.match(home.text, /href="\/orders"/, 'the home page links to past orders');
    const stranger = new Browser(printer.base);
    assert.equal((await stranger.get(orderPath)).status, 404);
  });
});
