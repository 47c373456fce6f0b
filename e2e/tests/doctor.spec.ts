/**
 * The environment doctor (printer, GET /doctor) on the running deployment: after a real code flow, every row is
 * green, the access token's `iss` included, and the page shows no token. scripts/check-compose.mjs runs this spec
 * against the services started with exactly docker-compose's environment too.
 */
import { expect, test } from '@playwright/test';
import { connectAs } from '../support/flow.js';
import { urls } from '../support/services.js';

test('the environment doctor is all green after a code flow, the token’s iss included', async ({ page }) => {
  await connectAs(page, 'alice');
  await page.goto('/');
  await page.getByRole('link', { name: 'environment doctor' }).click();
  await expect(page.getByRole('heading', { name: 'Environment doctor' })).toBeVisible();
  const red = await page.locator('tr[data-verdict="bad"]').allInnerTexts();
  expect(red, red.join('\n')).toEqual([]);
  await expect(page.locator('[data-doctor-summary]')).toHaveAttribute('data-doctor-summary', 'ok');
  const tokenRow = page.locator('#doctor-issuer-rows tr').filter({ hasText: 'Your access token: iss' });
  await expect(tokenRow).toHaveAttribute('data-verdict', 'ok');
  await expect(tokenRow).toContainText(urls().auth);
  // The token is decoded on the server; the page never shows it.
  expect(await page.content()).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
  // The auth server set auth.sid on the same host: the browser sends it to the printer's port too.
  await expect(page.locator('#doctor-cookie-checks')).toContainText('auth.sid');
});
