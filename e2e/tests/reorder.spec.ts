/**
 * Re-order (the Refresh grant in the story). The first test uses the run's services: a re-order while the access
 * token is valid (steps 7-8 only). The second needs a short access-token lifetime, so it starts a throwaway stack
 * of the three services with ACCESS_TOKEN_TTL=35 for its auth server (testkit's extraEnv; the shared services of
 * the run are untouched), waits for the token to expire, and re-orders: steps 5-6 again, rotation visible.
 */
import { rmSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { createStack, publicUrls, startAll, stopAll, type Stack } from '@oauth-demo/testkit';
import { PASSWORDS, connectAs, photoTitles } from '../support/flow.js';
import { urls } from '../support/services.js';

/** On the photos page: order the first two photos; returns their titles. Ends on the order page. */
async function orderTwo(page: Page): Promise<string[]> {
  const titles = (await photoTitles(page)).slice(0, 2);
  for (const title of titles) await page.getByRole('checkbox', { name: title }).check();
  await page.getByRole('button', { name: 'Place order' }).click();
  await expect(page.getByRole('heading', { name: 'Order placed' })).toBeVisible();
  return titles;
}

test('Re-order while the access token is valid: Drive checks the photos again, no refresh needed', async ({ page }) => {
  await connectAs(page, 'alice');
  const titles = await orderTwo(page);
  const firstOrder = page.url();
  await page.getByRole('button', { name: 'Re-order' }).click();
  await expect(page).toHaveURL(new RegExp(`^${urls().printer}/orders/[A-Za-z0-9_-]{22}$`));
  expect(page.url()).not.toBe(firstOrder);
  const note = page.getByRole('region', { name: /Re-ordered: a copy of order/ });
  await expect(note).toContainText('the access token was still valid');
  await expect(note).toContainText('Photo Printer asked Drive for each of the 2 photos again');
  for (const title of titles) await expect(page.getByText(title, { exact: true }).first()).toBeVisible();
  for (const n of [7, 8]) await expect(page.getByText(`Step ${n}`, { exact: true }).first()).toBeVisible();

  // An instructor who cannot wait ten minutes: the printer treats its token as expired, and the next re-order refreshes.
  await page.getByRole('button', { name: 'Don’t wait: treat the access token as expired' }).click();
  await expect(page.getByText(/so it will be refreshed first/)).toBeVisible();
  await page.getByRole('button', { name: 'Re-order' }).click();
  const refreshed = page.getByRole('region', { name: /Re-ordered: a copy of order/ });
  await expect(refreshed).toContainText(/Steps 5-6 again/);
  await expect(refreshed.getByRole('table', { name: 'Token rotation' })).toBeVisible();
});

test.describe('Re-order after the access token expired', () => {
  let stack: Stack | undefined;

  test.beforeAll(async () => {
    test.setTimeout(60_000);
    stack = await createStack({
      name: 'oauth-demo-e2e-reorder',
      extraEnv: { 'auth-server': { ACCESS_TOKEN_TTL: '35' } },
    });
    await startAll(stack);
  });

  test.afterAll(async () => {
    if (!stack) return;
    await stopAll(stack);
    rmSync(stack.runDir, { recursive: true, force: true });
  });

  test('the printer refreshes first (steps 5-6 again), the refresh token rotates, then Drive checks the photos (7-8)', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const at = publicUrls(stack!);
    await page.goto(`${at.printer}/`);
    await page.getByRole('button', { name: 'Import photos from Drive' }).click();
    await expect(page).toHaveURL(new RegExp(`^${at.auth}/`));
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(PASSWORDS.alice);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    await expect(page).toHaveURL(`${at.printer}/photos`);
    const connectedAt = Date.now();
    const titles = await orderTwo(page);

    // Days later, in class time: the 35 s access token expires.
    await page.waitForTimeout(Math.max(0, connectedAt + 37_000 - Date.now()));
    await page.reload();
    await expect(page.getByText(/yours expired .* ago, so it will be refreshed first/)).toBeVisible();
    await page.getByRole('button', { name: 'Re-order' }).click();

    const note = page.getByRole('region', { name: /Re-ordered: a copy of order/ });
    await expect(note).toContainText(/Steps 5-6 again: the access token (had expired|was about to expire)/);
    const rotation = note.getByRole('table', { name: 'Token rotation' });
    const cells = async (row: string) =>
      (
        await rotation
          .getByRole('row', { name: new RegExp(`^${row}`) })
          .getByRole('cell')
          .allInnerTexts()
      ).map((t) => t.trim().split(' ')[0]);
    const [oldAccess, newAccess] = await cells('Access token');
    const [oldRefresh, newRefresh] = await cells('Refresh token');
    for (const fp of [oldAccess, newAccess, oldRefresh, newRefresh]) expect(fp).toMatch(/^sha256:[0-9a-f]{6}$/);
    expect(newAccess).not.toBe(oldAccess);
    expect(newRefresh).not.toBe(oldRefresh);
    await expect(note).toContainText(`The old one (${oldRefresh}) is now dead`);
    await expect(note).toContainText('it answered "active": false');
    for (const n of [5, 6, 7, 8]) await expect(page.getByText(`Step ${n}`, { exact: true }).first()).toBeVisible();
    await expect(page.getByText('Photo Printer refreshes the expired access token').first()).toBeVisible();
    for (const title of titles) await expect(page.getByText(title, { exact: true }).first()).toBeVisible();
    expect(await page.content()).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
  });
});
