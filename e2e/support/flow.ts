import { expect, type Page } from '@playwright/test';
import { urls } from './services.js';

export const PASSWORDS = { alice: 'wonderland', bob: 'builder' } as const;

/** Steps 1-3 as a learner does them: Import on the printer, sign in on the auth server. Stops at consent. */
export async function importAndSignIn(page: Page, user: keyof typeof PASSWORDS) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Import photos from Drive' }).click();
  // Step 2 sent the browser to the auth server.
  await expect(page).toHaveURL(new RegExp(`^${urls().auth}/interaction/`));
  await expect(page.getByText('Step 3', { exact: true }).first()).toBeVisible();
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(PASSWORDS[user]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: /Photo Printer wants to access your Drive/ })).toBeVisible();
}

/** The whole Allow path to the printer's photo page (consent is asked again after forgetConsent). */
export async function connectAs(page: Page, user: keyof typeof PASSWORDS) {
  await forgetConsent(page, user);
  await importAndSignIn(page, user);
  await page.getByRole('button', { name: 'Allow' }).click();
  await expect(page).toHaveURL(new RegExp(`^${urls().printer}/photos`));
}

/**
 * The auth server remembers consent per user and client. To see the consent screen again, the user removes
 * Photo Printer on the auth server's Connected apps page, as a learner would. Leaves the browser signed out
 * of the auth server.
 */
export async function forgetConsent(page: Page, user: keyof typeof PASSWORDS, appName = 'Photo Printer') {
  await page.goto(`${urls().auth}/apps`);
  if (await page.getByLabel('Password').isVisible()) {
    await page.getByLabel('Username').fill(user);
    await page.getByLabel('Password').fill(PASSWORDS[user]);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  await expect(page.getByRole('heading', { name: 'Connected apps' })).toBeVisible();
  const remove = page.getByRole('button', { name: `Remove ${appName}`, exact: true });
  if (await remove.isVisible()) {
    await remove.click();
    await expect(page.getByText(/Removed\./)).toBeVisible();
  }
  await page.getByRole('button', { name: 'Sign out' }).click();
}

/** The titles of the photos offered on the printer's photo page (one checkbox per photo). */
export async function photoTitles(page: Page): Promise<string[]> {
  const boxes = page.getByRole('checkbox');
  const count = await boxes.count();
  const titles: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = await boxes.nth(i).getAttribute('id');
    const label = id ? await page.locator(`label[for="${id}"]`).innerText() : '';
    titles.push(label.trim());
  }
  return titles;
}

/** On the auth server's sign-in form (any flow): sign in as `user`. */
export async function signIn(page: Page, user: keyof typeof PASSWORDS) {
  await expect(page).toHaveURL(new RegExp(`^${urls().auth}/`));
  await page.getByLabel('Username').fill(user);
  await page.getByLabel('Password').fill(PASSWORDS[user]);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** The texts of the elements `selector` matches, trimmed. */
export async function texts(page: Page, selector: string): Promise<string[]> {
  return (await page.locator(selector).allInnerTexts()).map((t) => t.trim());
}
