/**
 * Consent on demand (issue 12 item 1): "Ask me again" on the printer adds prompt=consent (OpenID Connect Core
 * §3.1.2.1), so an instructor can show the consent screen twice in a lesson, and Deny after Allow. When consent is
 * remembered instead, the printer's page and the timeline say that step 3 was skipped, and since when.
 */
import { expect, test } from '@playwright/test';
import { connectAs } from '../support/flow.js';
import { urls } from '../support/services.js';

test.describe('Consent on demand', () => {
  test('consent twice with "Ask me again", then Deny after Allow; without it step 3 is skipped, and the pages say so', async ({
    page,
  }) => {
    // The first Allow: a fresh consent, nothing remembered yet.
    await connectAs(page, 'alice');
    await expect(page.getByText('Just happened: steps 4, 5 and 6.')).toBeVisible();
    await expect(page.getByText(/Step 3 was skipped/)).toHaveCount(0);

    // Consent again: the screen comes back although alice allowed Photo Printer before.
    await page.goto('/');
    const askAgain = page.getByLabel('Ask me again');
    await expect(askAgain).not.toBeChecked();
    await askAgain.check();
    await page.getByRole('button', { name: 'Import photos from Drive' }).click();
    await expect(page).toHaveURL(new RegExp(`^${urls().auth}/interaction/`));
    await expect(page.getByRole('heading', { name: /Photo Printer wants to access your Drive/ })).toBeVisible();
    await expect(page.getByText(/You already allowed Photo Printer on \d{4}-\d\d-\d\d \d\d:\d\d UTC/)).toBeVisible();
    await page.getByRole('button', { name: 'Allow' }).click();
    await expect(page).toHaveURL(`${urls().printer}/photos`);
    await expect(page.getByText(/Step 3 was skipped/)).toHaveCount(0);

    // Deny after Allow: the same screen once more, and this time No.
    await page.goto('/');
    await page.getByLabel('Ask me again').check();
    await page.getByRole('button', { name: 'Import photos from Drive' }).click();
    await expect(page.getByRole('heading', { name: /Photo Printer wants to access your Drive/ })).toBeVisible();
    await page.getByRole('button', { name: 'Deny' }).click();
    await expect(page).toHaveURL(new RegExp(`^${urls().printer}/callback`));
    await expect(page.getByRole('heading', { name: 'You said no: nothing was shared' })).toBeVisible();
    // "Try again" on that page asks again too: the remembered consent does not answer for the user who said no.
    await page.getByRole('button', { name: 'Import photos from Drive' }).click();
    await expect(page.getByRole('heading', { name: /Photo Printer wants to access your Drive/ })).toBeVisible();

    // Without "Ask me again" the remembered consent answers at once: step 3 skipped, and both pages say so.
    await page.goto('/');
    await page.getByRole('button', { name: 'Import photos from Drive' }).click();
    await expect(page).toHaveURL(`${urls().printer}/photos`);
    await expect(page.getByText(/Step 3 was skipped: already allowed on \d{4}-\d\d-\d\d \d\d:\d\d UTC/)).toBeVisible();
    await page.getByRole('link', { name: /Timeline: every exchange of this flow/ }).click();
    await expect(page).toHaveURL(new RegExp(`^${urls().printer}/timeline`));
    await expect(
      page
        .locator('li.seq-row')
        .filter({ hasText: /step 3 skipped/i })
        .first(),
    ).toBeVisible();
  });
});
