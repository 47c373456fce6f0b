/**
 * Quick print: the Implicit flow (steps 1, 2, 3, 6, 7, 8) and, beside it, Authorization Code + PKCE from the
 * browser, as a learner clicks through them. The client is the page's JavaScript (public client
 * photo-printer-browser); everything asserted here is what the page SHOWS.
 */
import { expect, test } from '@playwright/test';
import { forgetConsent, signIn, texts } from '../support/flow.js';
import { urls } from '../support/services.js';

const BROWSER_APP = 'Photo Printer (browser app)';
const JWT = /^eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

test.describe('Quick print', () => {
  test('Implicit: the token arrives in the fragment, and the page shows why that is dangerous', async ({ page }) => {
    await forgetConsent(page, 'alice', BROWSER_APP);
    await page.goto('/quick-print');
    // Two flows on one page: one step bar each (grant-steps.spec.ts checks their steps).
    await expect(page.locator('nav.steps[data-grant="implicit"]')).toBeVisible();
    await expect(page.locator('nav.steps[data-grant="authorization_code"]')).toBeVisible();
    const authorize = page.waitForRequest((r) => r.url().startsWith(`${urls().auth}/authorize`));
    await page.getByRole('button', { name: 'Quick print with the Implicit flow' }).click();
    const request = new URL((await authorize).url());
    expect(request.searchParams.get('response_type')).toBe('token');
    expect(request.searchParams.get('client_id')).toBe('photo-printer-browser');
    expect(request.searchParams.get('redirect_uri')).toBe(`${urls().printer}/quick-print/callback`);
    expect(request.searchParams.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    await signIn(page, 'alice');
    await expect(page.getByRole('heading', { name: `${BROWSER_APP} wants to access your Drive` })).toBeVisible();
    await page.getByRole('button', { name: 'Allow' }).click();

    // Back on the callback: the script read the token from location.hash and shows it.
    await expect(page).toHaveURL(`${urls().printer}/quick-print/callback`); // the script cleaned the address bar
    const token = (await page.locator('#qp-implicit-token').innerText()).trim();
    expect(token).toMatch(JWT);
    await expect(page.locator('#qp-status')).toContainText('the token came back in the URL fragment');
    await expect(page.locator('#qp-implicit-state')).toHaveText('matches the one this tab sent');
    await expect(page.locator('#qp-implicit-scope')).toHaveText('photos.read');

    // (a) history: the URL as the browser arrived, token included, and the address bar now.
    const before = (await page.locator('#qp-href-before').innerText()).trim();
    expect(before.startsWith(`${urls().printer}/quick-print/callback#`)).toBe(true);
    expect(new URLSearchParams(before.split('#')[1]).get('access_token')).toBe(token);
    await expect(page.locator('#qp-href-now')).toHaveText(`${urls().printer}/quick-print/callback`);
    // (b) a third-party script read it, from the URL and from the page's variable.
    const analytics = await texts(page, '#qp-analytics-output-implicit li');
    expect(
      analytics.some(
        (line) => line.startsWith('analytics.js could read:') && line.includes('location.hash') && line.endsWith(token),
      ),
    ).toBe(true);
    expect(analytics.some((line) => line.includes('window.quickPrint.accessToken') && line.endsWith(token))).toBe(true);
    // (c) no refresh token; (d) the whole request, with nothing that authenticates the client.
    await expect(page.locator('#qp-refresh')).toHaveText('none');
    const fields = (await page.locator('#qp-fields').innerText()).split(', ');
    expect(fields).toEqual(expect.arrayContaining(['access_token', 'token_type', 'expires_in', 'state', 'iss']));
    expect(fields).not.toContain('refresh_token');
    await expect(page.locator('#qp-request-url')).toHaveText(request.href);
    await expect(page.getByRole('heading', { name: '(d) No client authentication happened' })).toBeVisible();

    // Steps 7-8: the browser called Drive itself and lists alice's photos.
    await expect(page.locator('#qp-photos-status')).toHaveText('HTTP 200');
    await expect(page.locator('#qp-photos-owner')).toContainText('alice');
    const titles = await texts(page, '#qp-photo-images figcaption');
    expect(titles.length).toBeGreaterThanOrEqual(6);
    await expect(page.locator('#qp-photo-images img').first()).toBeVisible();
    expect(
      await page
        .locator('#qp-photo-images img')
        .first()
        .evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0),
    ).toBe(true);
  });

  test('Authorization Code + PKCE from the browser: photos listed, the token never in a URL', async ({ page }) => {
    await forgetConsent(page, 'alice', BROWSER_APP);
    await page.goto('/quick-print');
    const urlsSeen: string[] = [];
    page.on('framenavigated', (frame) => {
      if (frame === page.mainFrame()) urlsSeen.push(frame.url());
    });
    const authorize = page.waitForRequest((r) => r.url().startsWith(`${urls().auth}/authorize`));
    await page.getByRole('button', { name: 'Quick print with Authorization Code + PKCE' }).click();
    const request = new URL((await authorize).url());
    expect(request.searchParams.get('response_type')).toBe('code');
    expect(request.searchParams.get('code_challenge_method')).toBe('S256');
    expect(request.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    await signIn(page, 'alice');
    await page.getByRole('button', { name: 'Allow' }).click();

    await expect(page.locator('#qp-code-response-status')).toHaveText('HTTP 200');
    const token = (await page.locator('#qp-code-token').innerText()).trim();
    expect(token).toMatch(JWT);
    // The code came in the query; the token came in a fetch answer and is in no URL.
    const arrived = (await page.locator('#qp-code-href').innerText()).trim();
    expect(new URL(arrived).searchParams.get('code')).toBeTruthy();
    expect(arrived).not.toContain(token);
    await expect(page.locator('#qp-code-token-in-url')).toHaveText('no, never');
    expect(page.url()).toBe(`${urls().printer}/quick-print/callback`);
    for (const seen of urlsSeen) {
      expect(seen).not.toContain(token);
      expect(seen).not.toContain('access_token');
    }
    // The token request the script sent: a public client with its verifier, no secret.
    const sent = await page.locator('#qp-code-request').innerText();
    expect(sent).toContain('grant_type=authorization_code');
    expect(sent).toContain('client_id=photo-printer-browser');
    expect(sent).toMatch(/code_verifier=[A-Za-z0-9_-]{43}/);
    expect(sent).not.toContain('client_secret');

    await expect(page.locator('#qp-photos-status')).toHaveText('HTTP 200');
    const titles = await texts(page, '#qp-photo-images figcaption');
    expect(titles.length).toBeGreaterThanOrEqual(6);
    await expect(page.locator('#qp-dangers')).toBeHidden();

    // A code is single-use: the replay is refused.
    await page.getByRole('button', { name: 'Try to redeem the same code again' }).click();
    await expect(page.locator('#qp-replay-result')).toContainText('HTTP 400: invalid_grant');
  });
});
