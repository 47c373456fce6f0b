/**
 * The classroom (issue 12 item 2): every learner their own resource owner. Two learners join the class from the
 * auth server's sign-in page in two browser contexts (two laptops); one removes Photo Printer from their
 * Connected apps, and the other's flow still works.
 */
import { randomBytes } from 'node:crypto';
import { type Browser, type Page, expect, test } from '@playwright/test';
import { urls } from '../support/services.js';

const PASSPHRASE = 'correct-horse-battery';

async function joinAndConnect(browser: Browser, name: string): Promise<Page> {
  const context = await browser.newContext({ baseURL: urls().printer });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByRole('button', { name: 'Import photos from Drive' }).click();
  await expect(page).toHaveURL(new RegExp(`^${urls().auth}/interaction/`));
  await expect(page.getByRole('heading', { name: 'New here? Join the class' })).toBeVisible();
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Choose a passphrase').fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Join the class' }).click();
  await expect(page.getByRole('heading', { name: /Photo Printer wants to access your Drive/ })).toBeVisible();
  await page.getByRole('button', { name: 'Allow' }).click();
  await expect(page).toHaveURL(new RegExp(`^${urls().printer}/photos`));
  return page;
}

test.describe('the classroom: every learner their own resource owner', () => {
  test('two learners join; one revokes, the other’s flow still works', async ({ browser }) => {
    const suffix = randomBytes(3).toString('hex');
    // Typed with a capital, as a newcomer does: the form lets it through and the auth server makes it ana-….
    const ana = await joinAndConnect(browser, `Ana-${suffix}`);
    const ben = await joinAndConnect(browser, `ben-${suffix}`);

    // Each sees photos of their own (Drive painted them on first sight), none of the other's.
    const photosOf = async (page: Page) =>
      (await page.getByRole('checkbox').evaluateAll((boxes) => boxes.map((b) => (b as HTMLInputElement).value))).sort();
    const anaPhotos = await photosOf(ana);
    const benPhotos = await photosOf(ben);
    expect(anaPhotos.length).toBeGreaterThanOrEqual(6);
    expect(benPhotos.length).toBeGreaterThanOrEqual(6);
    expect(anaPhotos.filter((id) => benPhotos.includes(id))).toEqual([]);

    // ana removes Photo Printer from her Connected apps (she is still signed in to the auth server).
    await ana.goto(`${urls().auth}/apps`);
    await ana.getByRole('button', { name: 'Remove Photo Printer', exact: true }).click();
    await expect(ana.getByText(/Removed\./)).toBeVisible();

    // ben is not touched: his photos still load, and a new import goes straight through (his consent is remembered).
    await ben.goto('/photos');
    await expect(ben.getByRole('checkbox')).toHaveCount(benPhotos.length);
    await ben.goto('/');
    await ben.getByRole('button', { name: 'Import photos from Drive' }).click();
    await expect(ben).toHaveURL(new RegExp(`^${urls().printer}/photos`));
    expect(await photosOf(ben)).toEqual(benPhotos);

    // ana's next import asks her again: her consent, and only hers, is gone.
    await ana.goto('/');
    await ana.getByRole('button', { name: 'Import photos from Drive' }).click();
    await expect(ana.getByRole('heading', { name: /Photo Printer wants to access your Drive/ })).toBeVisible();
  });
});
