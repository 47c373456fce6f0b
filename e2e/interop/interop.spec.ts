/**
 * Issue 17: Photo Printer and Drive with an authorization server nobody here wrote (node-oidc-provider, see
 * oidc_provider.mjs; started by run.mjs once with RS256 and once with ES256 access tokens). Nothing of our own
 * auth server runs: the printer discovers the provider's endpoints (RFC 8414), sends the browser there with PKCE
 * and state, checks `iss` (RFC 9207), exchanges the code with client_secret_basic; Drive verifies the provider's
 * RFC 9068 JWTs with the keys the provider publishes. Then a refresh (RFC 6749 §6) with the provider's refresh token.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';

const alg = process.env.INTEROP_ALG ?? '?';
const authUrl = process.env.INTEROP_AUTH_URL ?? '';
const printerUrl = process.env.INTEROP_PRINTER_URL ?? '';
const driveUrl = process.env.INTEROP_DRIVE_URL ?? '';

/** The token requests the provider granted so far, in order (its test-only /interop/grants). */
async function grants(): Promise<string[]> {
  const res = await fetch(`${authUrl}/interop/grants`);
  return ((await res.json()) as { grants: string[] }).grants;
}

async function photoTitles(page: Page): Promise<string[]> {
  const boxes = page.getByRole('checkbox');
  const titles: string[] = [];
  for (let i = 0; i < (await boxes.count()); i++) {
    const id = await boxes.nth(i).getAttribute('id');
    titles.push(id ? (await page.locator(`label[for="${id}"]`).innerText()).trim() : '');
  }
  return titles;
}

test(`node-oidc-provider, ${alg} access tokens: the code flow to alice's photos, then a refresh`, async ({ page }) => {
  // The provider publishes RFC 8414 metadata and one key, of the algorithm of this run.
  const metadata = (await (await fetch(`${authUrl}/.well-known/oauth-authorization-server`)).json()) as Record<
    string,
    unknown
  >;
  expect(metadata.issuer).toBe(authUrl);
  expect(metadata.code_challenge_methods_supported).toContain('S256');
  expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
  const jwks = (await (await fetch(String(metadata.jwks_uri))).json()) as { keys: { alg?: string }[] };
  expect(jwks.keys.map((k) => k.alg)).toEqual([alg]);

  // Steps 1-3: Import on the printer; the browser goes to the provider's authorization endpoint, then lands on
  // its own sign-in page.
  const authorizationRequests: URL[] = [];
  page.on('request', (request) => {
    const url = new URL(request.url());
    if (url.origin === authUrl && url.searchParams.has('response_type')) authorizationRequests.push(url);
  });
  await page.goto('/');
  await page.getByRole('button', { name: 'Import photos from Drive' }).click();
  await expect(page).toHaveURL(new RegExp(`^${authUrl}/interaction/`));
  expect(authorizationRequests).toHaveLength(1);
  const params = authorizationRequests[0]!.searchParams;
  expect(authorizationRequests[0]!.href.startsWith(String(metadata.authorization_endpoint))).toBe(true);
  expect(
    Object.fromEntries(
      ['response_type', 'client_id', 'redirect_uri', 'code_challenge_method'].map((n) => [n, params.get(n)]),
    ),
  ).toEqual({
    response_type: 'code',
    client_id: 'printer-web',
    redirect_uri: `${printerUrl}/callback`,
    code_challenge_method: 'S256',
  });
  expect(params.get('state')?.length).toBeGreaterThanOrEqual(43);
  await page.locator('input[name="login"]').fill('alice');
  await page.locator('input[name="password"]').fill('any password: these are the provider’s development pages');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  // Its consent page.
  await page.getByRole('button', { name: 'Continue' }).click();

  // Steps 4-8: back at the printer with the code; the token exchange; Drive accepted the provider's JWT.
  await expect(page).toHaveURL(`${printerUrl}/photos`);
  const titles = await photoTitles(page);
  expect(titles.length).toBeGreaterThanOrEqual(6);
  const firstImage = page.locator('img').first();
  await expect(firstImage).toBeVisible();
  expect(await firstImage.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  expect(await grants()).toEqual(['authorization_code']);
  // The token never reaches the browser; without it Drive refuses.
  expect(await page.content()).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
  expect((await page.request.get(`${driveUrl}/api/photos`)).status()).toBe(401);

  // Refresh: order two photos, tell the printer its access token has expired, re-order.
  for (const title of titles.slice(0, 2)) await page.getByRole('checkbox', { name: title }).check();
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page.getByRole('heading', { name: 'Order placed' })).toBeVisible();
  // alice's photos: Drive read the owner from the `sub` of the provider's token.
  await expect(page.getByRole('row', { name: /For/ })).toContainText('alice');
  await page.getByRole('button', { name: 'Don’t wait: treat the access token as expired' }).click();
  await expect(page.getByText(/so it will be refreshed first/)).toBeVisible();
  await page.getByRole('button', { name: 'Re-order' }).click();
  const reordered = page.getByRole('region', { name: /Re-ordered: a copy of order/ });
  await expect(reordered).toContainText(/Steps 5-6 again/);
  await expect(reordered).toContainText('Photo Printer asked Drive for each of the 2 photos again');
  expect(await grants()).toEqual(['authorization_code', 'refresh_token']);

  // The 32-character client secret the provider issued was accepted, with the start-up warning (issue 17 item 3).
  const printerLog = readFileSync(process.env.INTEROP_PRINTER_LOG ?? '', 'utf8');
  expect(printerLog).toMatch(/warning: PRINTER_CLIENT_SECRET has 32 characters/);
});
