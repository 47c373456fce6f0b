/**
 * Photo Printer driven through its HTTP UI, as a browser with a cookie jar does it: Import → the auth server's
 * /authorize → sign-in and consent → /callback → /photos → POST /orders.
 */
import assert from 'node:assert/strict';
import { type Browser, csrfFrom, type Page } from './http.js';
import { signIn } from './oauth.js';
import { ISSUER, PUBLIC, USERS, type UserName } from './stack.js';

/** Step 1: the printer's home page and its Import button; returns the redirect to the authorization endpoint. */
export async function startImport(browser: Browser): Promise<Page> {
  const home = await browser.get(`${PUBLIC.printer}/`);
  assert.equal(home.status, 200);
  const start = await browser.post(`${PUBLIC.printer}/import`, { csrf: csrfFrom(home.text) });
  assert.equal(start.status, 303, `POST /import answered ${start.status}: ${start.text.slice(0, 300)}`);
  assert.ok(start.location?.startsWith(`${ISSUER}/authorize?`), `POST /import sent the browser to ${start.location}`);
  return start;
}

/**
 * The printer's flow through sign-in and consent up to the auth server's redirect back to the printer
 * (`/callback?code=…&state=…&iss=…`), which is returned, not followed.
 */
export async function printerToCallback(
  browser: Browser,
  user: UserName,
  decision: 'allow' | 'deny' = 'allow',
): Promise<Page> {
  const start = await startImport(browser);
  const authorize = await browser.follow(start);
  assert.equal(authorize.status, 303, `authorize answered ${authorize.status}: ${authorize.text.slice(0, 300)}`);
  const interaction = authorize.location!;
  let page = await browser.get(interaction);
  if (page.status === 200 && page.text.includes('name="password"'))
    page = await signIn(browser, interaction, page, user, USERS[user]);
  if (page.status === 200) {
    const scopes = [...page.text.matchAll(/<input[^>]*name="scope"[^>]*value="([^"]+)"/g)].map((m) => m[1]!);
    page = await browser.post(`${interaction}/consent`, { csrf: csrfFrom(page.text), decision, scope: scopes });
  }
  assert.ok([302, 303].includes(page.status), `consent answered ${page.status}: ${page.text.slice(0, 300)}`);
  assert.ok(
    page.location?.startsWith(`${PUBLIC.printer}/callback?`),
    `the auth server sent the browser to ${page.location}`,
  );
  return page;
}

/** The whole Allow path to the printer's photo page (steps 1-8). */
export async function connectPrinter(browser: Browser, user: UserName): Promise<Page> {
  const back = await printerToCallback(browser, user);
  const callback = await browser.follow(back);
  assert.equal(callback.status, 303, `printer /callback answered ${callback.status}: ${callback.text.slice(0, 400)}`);
  assert.equal(callback.location, `${PUBLIC.printer}/photos`);
  const photos = await browser.follow(callback);
  assert.equal(photos.status, 200, `printer /photos answered ${photos.status}`);
  return photos;
}

export interface OfferedPhoto {
  id: string;
  title: string;
}

/** The photos the printer's photo page offers (one checkbox `photo` per photo, with its label). */
export function offeredPhotos(html: string): OfferedPhoto[] {
  const photos: OfferedPhoto[] = [];
  for (const m of html.matchAll(
    /<input type="checkbox" id="([^"]+)" name="photo" value="([^"]+)"[^>]*>\s*<label for="\1">([^<]*)<\/label>/g,
  )) {
    photos.push({ id: m[2]!, title: m[3]!.trim() });
  }
  return photos;
}

/** Place an order from the photo page; returns the order page's URL (after the 303). */
export async function placeOrder(
  browser: Browser,
  photosPage: Page,
  photoIds: string[],
  size = '5x7',
  copies = '2',
): Promise<string> {
  const res = await browser.post(`${PUBLIC.printer}/orders`, {
    csrf: csrfFrom(photosPage.text),
    photo: photoIds,
    size,
    copies,
  });
  assert.equal(res.status, 303, `POST /orders answered ${res.status}: ${res.text.slice(0, 400)}`);
  assert.match(res.location ?? '', new RegExp(`^${PUBLIC.printer}/orders/[A-Za-z0-9_-]+$`));
  return res.location!;
}
