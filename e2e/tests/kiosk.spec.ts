/**
 * The shop's kiosk: the Device Authorization Grant (RFC 8628). The kiosk page shows a user code and polls by
 * reloading itself; the customer approves on a second device (another browser context) at the verification URL.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { PASSWORDS, texts } from '../support/flow.js';
import { urls } from '../support/services.js';

/** On the "phone": open the verification URL, type the code, sign in, and answer. */
async function answerOnPhone(
  browser: Browser,
  verificationUri: string,
  userCode: string,
  decision: 'Allow' | 'Deny',
): Promise<Page> {
  const phone = await (await browser.newContext()).newPage();
  await phone.goto(verificationUri);
  await phone.getByLabel('Code', { exact: true }).fill(userCode);
  await phone.getByRole('button', { name: 'Continue' }).click();
  await phone.getByLabel('Username').fill('alice');
  await phone.getByLabel('Password').fill(PASSWORDS.alice);
  await phone.getByRole('button', { name: 'Sign in' }).click();
  await expect(phone.getByText(userCode).first()).toBeVisible(); // the consent screen names the code to compare
  await phone.getByRole('button', { name: decision }).click();
  await expect(
    phone.getByRole('heading', { name: decision === 'Allow' ? 'Device connected' : 'Device refused' }),
  ).toBeVisible();
  return phone;
}

async function startKiosk(page: Page) {
  await page.goto('/kiosk');
  await page.getByRole('button', { name: 'Start on the kiosk' }).click();
  const userCode = (await page.getByLabel('Your code').innerText()).trim();
  expect(userCode).toMatch(/^[A-Z]{4}-[A-Z]{4}$/);
  const verificationUri = await page.getByRole('link', { name: `${urls().auth}/device` }).getAttribute('href');
  expect(verificationUri).toBe(`${urls().auth}/device`);
  const complete = await page
    .getByRole('link', { name: /verification page with the code already filled in/ })
    .getAttribute('href');
  expect(complete).toBe(`${urls().auth}/device?user_code=${userCode}`);
  // The page reloads itself (no JavaScript) after the interval.
  expect(await page.locator('meta[http-equiv="refresh"]').getAttribute('content')).toMatch(/^\d+$/);
  return { userCode, verificationUri: verificationUri! };
}

test.describe('Photo kiosk (device flow)', () => {
  test('the user code approved on a second device: the kiosk shows alice’s photos', async ({ page, browser }) => {
    test.setTimeout(60_000);
    const { userCode, verificationUri } = await startKiosk(page);
    for (const n of [2, 3, 5]) await expect(page.getByText(`Step ${n}`, { exact: true }).first()).toBeVisible();

    // While nobody has answered, the kiosk's polls are answered authorization_pending.
    await expect(
      page.getByText(/Still waiting: nobody has approved this code yet \(authorization_pending\)/),
    ).toBeVisible({ timeout: 15_000 });

    const phone = await answerOnPhone(browser, verificationUri, userCode, 'Allow');
    await phone.context().close();

    // The kiosk's next poll gets the token; the page (reloading itself) shows the photos.
    await expect(page.getByRole('heading', { name: 'alice’s photos, ready to print at the kiosk' })).toBeVisible({
      timeout: 20_000,
    });
    const captions = await texts(page, '.photos figcaption');
    expect(captions.length).toBeGreaterThanOrEqual(6);
    const image = page.locator('.photos img').first();
    await expect(image).toBeVisible();
    expect(await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    for (const n of [6, 7, 8]) await expect(page.getByText(`Step ${n}`, { exact: true }).first()).toBeVisible();
    const answers = await texts(page, '.poll-log tbody td:nth-child(3)');
    expect(answers).toContain('authorization_pending');
    expect(answers.at(-1)).toBe('tokens');
    await expect(page.locator('meta[http-equiv="refresh"]')).toHaveCount(0);

    await page.getByRole('button', { name: 'Done: the kiosk forgets your token' }).click();
    await expect(page.getByRole('button', { name: 'Start on the kiosk' })).toBeVisible();
  });

  test('Deny on the second device: the kiosk is told access_denied and stops', async ({ page, browser }) => {
    test.setTimeout(60_000);
    const { userCode, verificationUri } = await startKiosk(page);
    const phone = await answerOnPhone(browser, verificationUri, userCode, 'Deny');
    await phone.context().close();
    await expect(page.getByText('Someone pressed Deny (access_denied).', { exact: false })).toBeVisible({
      timeout: 20_000,
    });
    await expect(page.getByRole('heading', { name: 'You said no: nothing was shared' })).toBeVisible();
    await expect(page.locator('meta[http-equiv="refresh"]')).toHaveCount(0);
  });
});
