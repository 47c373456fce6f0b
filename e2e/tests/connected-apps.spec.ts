/**
 * Consent is remembered, and can be taken back: the auth server's Connected apps page.
 */
import { expect, test } from '@playwright/test';
import { connectAs, importAndSignIn } from '../support/flow.js';
import { urls } from '../support/services.js';

test.describe('Connected apps (issue 3)', () => {
  test('a second import asks nothing: the consent is remembered', async ({ page }) => {
    await connectAs(page, 'alice');
    // Sign out of the auth server only happens in forgetConsent; here alice is still signed in there.
    await page.goto('/');
    await page.getByRole('button', { name: 'Import photos from Drive' }).click();
    await expect(page).toHaveURL(`${urls().printer}/photos`);
  });

  test('removing Photo Printer lists it no more and the next import asks again', async ({ page }) => {
    await connectAs(page, 'alice');
    await page.goto(`${urls().auth}/apps`);
    await expect(page.getByRole('region', { name: 'Photo Printer' })).toContainText('photos.read');
    await page.getByRole('button', { name: 'Remove Photo Printer', exact: true }).click();
    await expect(page.getByText(/Removed\./)).toBeVisible();
    await expect(page.getByRole('button', { name: 'Remove Photo Printer', exact: true })).toHaveCount(0);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await importAndSignIn(page, 'alice');
  });
});
