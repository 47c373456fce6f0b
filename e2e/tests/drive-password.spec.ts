/**
 * The Password grant (RFC 6749 §4.3; the notes' steps 1, 2, 6, 7, 8) where it belongs in the story: Drive's own
 * first-party web app signs the user in by sending the password to the token endpoint itself. The page says why
 * only a first party may ever do that, and that even a first party should not any more (RFC 9700 §2.4).
 */
import { expect, test } from '@playwright/test';
import { PASSWORDS } from '../support/flow.js';
import { urls } from '../support/services.js';

/** bob's photos, as the drive seeds them; none of alice's. */
const BOB_TITLES = [
  'Harbour boats at first light',
  'Hot-air balloons over the valley',
  'Northern lights over the fjord',
  'Snowy cabin in the pines',
];
const ALICE_TITLE = 'Mirror lake at dawn';

test.describe("Drive's own sign-in: the Password grant (first party, no longer best practice)", () => {
  test('bob signs in on Drive with his password and sees his photos; the page explains why a third party never may', async ({
    page,
  }) => {
    await page.goto(`${urls().drive}/signin`);
    await expect(page.getByText('Role: Resource Server')).toBeVisible();
    await expect(page.getByText('Step 1', { exact: true })).toBeVisible();
    await expect(page.getByText('Step 2', { exact: true })).toBeVisible();

    // The explanation: Drive's own app, why a third party must never ask, and RFC 9700's verdict.
    await expect(page.getByText('This is Drive’s OWN app')).toBeVisible();
    await expect(
      page.getByRole('heading', { name: 'Why Photo Printer, a third party, must never ask for your Drive password' }),
    ).toBeVisible();
    for (const reason of [
      'It would get all of your access, forever.',
      'It cannot be limited or taken back on its own.',
      'You could not tell a phishing page from the real one.',
      'No second factor.',
    ]) {
      await expect(page.getByText(reason, { exact: true })).toBeVisible();
    }
    await expect(page.getByText(/RFC 9700 \(OAuth 2\.0 Security Best Current Practice\)\s+§2\.4/)).toBeVisible();

    // Steps 1 and 2: the password is typed on Drive itself, not on the Auth server.
    await page.getByLabel('Username').fill('bob');
    await page.getByLabel('Password').fill(PASSWORDS.bob);
    await page.getByRole('button', { name: 'Sign in to Drive' }).click();

    // Steps 6, 7, 8.
    await expect(page).toHaveURL(`${urls().drive}/my-photos`);
    await expect(page.getByRole('heading', { name: 'Your photos, bob' })).toBeVisible();
    for (const n of [6, 7, 8]) await expect(page.getByText(`Step ${n}`, { exact: true }).first()).toBeVisible();
    const captions = page.locator('.photo-title');
    await expect(captions).toHaveText(BOB_TITLES);
    await expect(page.getByText(ALICE_TITLE)).toHaveCount(0);
    // The token's scope and expiry are shown; the token itself is not.
    await expect(page.getByRole('row', { name: /Scope/ })).toContainText('photos.read');
    await expect(page.getByRole('row', { name: /Expires/ })).toContainText(/UTC \(in \d+ minutes\)/);
    expect(await page.content()).not.toMatch(/eyJ[\w-]{10,}\.[\w-]{10,}\.[\w-]{10,}/);

    // The thumbnails load through the session (the browser never holds the token).
    const firstImage = page.locator('.photo img').first();
    await firstImage.scrollIntoViewIfNeeded();
    await expect.poll(() => firstImage.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);

    // Sign out: the session is gone.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(`${urls().drive}/signin?signed_out=1`);
    await expect(page.getByText(/You are signed out/)).toBeVisible();
    await page.goto(`${urls().drive}/my-photos`);
    await expect(page).toHaveURL(`${urls().drive}/signin`);
  });

  test('a wrong password shows the one error message and the form again', async ({ page }) => {
    await page.goto(`${urls().drive}/signin`);
    await page.getByLabel('Username').fill('bob');
    await page.getByLabel('Password').fill('not-his-password');
    await page.getByRole('button', { name: 'Sign in to Drive' }).click();

    await expect(page.getByRole('alert')).toHaveText('Wrong username or password.');
    await expect(page).toHaveURL(`${urls().drive}/signin`);
    await expect(page.getByLabel('Username')).toHaveValue('bob');
    await expect(page.getByLabel('Password')).toHaveValue('');
    await expect(page.getByRole('button', { name: 'Sign in to Drive' })).toBeVisible();
    await expect(page.locator('.photo')).toHaveCount(0);
  });
});
