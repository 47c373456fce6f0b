/**
 * A class on the LAN (issue 12 items 3 and 4): the three services in class mode, CLASS_HOST=class.test, reached by
 * that host name, not localhost. Chromium resolves class.test to 127.0.0.1 (--host-resolver-rules), so the page is
 * NOT a secure context: no crypto.subtle, as for a learner at http://<the instructor's machine>:3000. Quick print's
 * browser PKCE must still work (a vetted SHA-256 served by the printer), and instructor mode asks for the key.
 *
 * This spec starts its own stack (fresh data, its own free ports) and stops it by PID (@oauth-demo/testkit).
 */
import { type Browser, chromium, expect, test } from '@playwright/test';
import { type Stack, createStack, publicUrls, startAll, stopAll } from '@oauth-demo/testkit';
import { chromiumLaunchOptions } from '../support/browser.js';

const CLASS_HOST = 'class.test';
const INSTRUCTOR_KEY = 'class-key-2026';

let stack: Stack;
let browser: Browser;

test.beforeAll(async ({}, testInfo) => {
  testInfo.setTimeout(120_000);
  const classMode = { CLASS_HOST };
  stack = await createStack({
    name: 'oauth-demo-class',
    publicHost: CLASS_HOST,
    // CLASS_HOST sets every public URL; HOST stays 127.0.0.1 here (testkit's), so nothing listens on the network.
    extraEnv: { 'auth-server': classMode, drive: classMode, printer: { ...classMode, INSTRUCTOR_KEY } },
  });
  await startAll(stack);
  browser = await chromium.launch(chromiumLaunchOptions([`MAP ${CLASS_HOST} 127.0.0.1`]));
});

test.afterAll(async ({}, testInfo) => {
  testInfo.setTimeout(60_000);
  await browser?.close();
  if (stack) await stopAll(stack);
});

test.describe(`a class at http://${CLASS_HOST}`, () => {
  test('quick print: Authorization Code + PKCE from the browser works without crypto.subtle', async () => {
    const urls = publicUrls(stack);
    const page = await browser.newPage();
    await page.goto(`${urls.printer}/quick-print`);
    expect(
      await page.evaluate(() => ({ secure: window.isSecureContext, subtle: Boolean(window.crypto?.subtle) })),
    ).toEqual({ secure: false, subtle: false });
    await expect(page.locator('#qp-insecure')).toBeVisible();
    await expect(page.locator('#qp-insecure')).toContainText('a real deployment uses https');

    const authorize = page.waitForRequest((r) => r.url().startsWith(`${urls.auth}/authorize`));
    await page.getByRole('button', { name: 'Quick print with Authorization Code + PKCE' }).click();
    const request = new URL((await authorize).url());
    expect(request.searchParams.get('code_challenge_method')).toBe('S256');
    expect(request.searchParams.get('code_challenge')).toMatch(/^[A-Za-z0-9_-]{43}$/);

    await expect(page).toHaveURL(new RegExp(`^${urls.auth}/`));
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password', { exact: true }).fill('wonderland');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    // The auth server checked S256(code_verifier) against the challenge the fallback SHA-256 computed: a token.
    await expect(page.locator('#qp-code-response-status')).toHaveText('HTTP 200');
    await page.close();
  });

  test('instructor mode asks for INSTRUCTOR_KEY and refuses a wrong one', async () => {
    const urls = publicUrls(stack);
    const page = await browser.newPage();
    await page.goto(`${urls.printer}/timeline`);
    await expect(page.getByLabel('Instructor key')).toBeVisible();
    await page.getByLabel('Instructor key').fill('not-the-key');
    await page.getByRole('button', { name: 'Turn instructor mode on' }).click();
    await expect(page.getByText(/Instructor mode is not available here/)).toBeVisible();
    await page.goto(`${urls.printer}/timeline`);
    await page.getByLabel('Instructor key').fill(INSTRUCTOR_KEY);
    await page.getByRole('button', { name: 'Turn instructor mode on' }).click();
    await expect(page.getByRole('button', { name: 'Reset class…' })).toBeVisible();
    await page.close();
  });
});
