/**
 * Exercises the demo checks, and the class board (issue 18 items 3-4), end to end on the three real services: two
 * learners, in parallel, each with a laptop (a browser context) and a phone (a second context, for the kiosk), join
 * the class and reach the six goals; every Check is the demo judging what really happened. The instructor's class
 * board (a third context, instructor mode) was opened before they started and updates itself to show both at 6 of 6.
 */
import { createHash, randomBytes } from 'node:crypto';
import { type Browser, type Page, expect, test } from '@playwright/test';
import { urls } from '../support/services.js';

const PASSPHRASE = 'correct-horse-battery';
/** Generous: two learners at once on a busy machine; nothing here measures time. */
const SLOW = { timeout: 30_000 };

async function joinAndConnect(page: Page, name: string) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Import photos from Drive' }).click();
  await expect(page.getByRole('heading', { name: 'New here? Join the class' })).toBeVisible(SLOW);
  await page.getByLabel('Your name').fill(name);
  await page.getByLabel('Choose a passphrase').fill(PASSPHRASE);
  await page.getByRole('button', { name: 'Join the class' }).click();
  await expect(page.getByRole('heading', { name: /Photo Printer wants to access your Drive/ })).toBeVisible(SLOW);
  await page.getByRole('button', { name: 'Allow' }).click(); // offline_access included: a refresh token
  await expect(page).toHaveURL(new RegExp(`^${urls().printer}/photos`), SLOW);
}

/** Open the exercise, type the answer if any, press Check; returns the result region. */
async function check(page: Page, id: string, answer?: string) {
  await page.goto(`/exercises/${id}`);
  if (answer !== undefined) await page.locator('#answer').fill(answer);
  await page.getByRole('button', { name: 'Check' }).click();
  return page.locator('#exercise-result');
}

async function expectDone(page: Page, id: string, answer?: string) {
  const result = await check(page, id, answer);
  await expect(result.getByRole('heading', { name: 'Done: here is what happened' })).toBeVisible(SLOW);
}

async function sixExercises(browser: Browser, name: string) {
  const laptop = await (await browser.newContext({ baseURL: urls().printer })).newPage();
  await joinAndConnect(laptop, name);

  // 2. Hash your own code_verifier: a wrong answer gets a hint; the verifier read on the timeline, hashed, passes.
  const wrong = await check(laptop, 'pkce-challenge', 'not-a-challenge');
  await expect(wrong).toContainText('Hint:');
  await laptop.goto('/timeline');
  const verifier = /code_verifier=([A-Za-z0-9_~.-]{43,128})/.exec(await laptop.content())?.[1];
  expect(verifier, 'the learner’s own spent code_verifier is on their timeline').toBeTruthy();
  await expectDone(laptop, 'pkce-challenge', createHash('sha256').update(verifier!).digest('base64url'));

  // 3. Make Drive refuse a tampered token: the claims editor, prefilled with the learner's token, unsigned, to Drive.
  await laptop.goto('/inspect#claims-editor');
  const claims = JSON.parse(await laptop.getByRole('textbox', { name: 'Claims (JSON)' }).inputValue()) as Record<
    string,
    unknown
  >;
  expect(claims.sub).toBe(name);
  await laptop.getByRole('textbox', { name: 'Claims (JSON)' }).fill(JSON.stringify({ ...claims, sub: 'bob' }));
  await laptop.getByRole('radio', { name: /Unsigned/ }).check();
  await laptop.getByRole('button', { name: 'Re-encode and send to Drive' }).click();
  await expect(laptop.locator('[data-drive-status="401"]')).toBeVisible(SLOW);
  await expectDone(laptop, 'tamper-drive');

  // 4. Rotate a refresh token: an order, "Don't wait", Re-order (the printer refreshes, then asks about the old one).
  const notYet = await check(laptop, 'refresh-rotation');
  await expect(notYet).toContainText('No refresh yet');
  await laptop.goto('/photos');
  await laptop.getByRole('checkbox').first().check();
  await laptop.getByRole('button', { name: 'Place order' }).click();
  await expect(laptop.getByRole('heading', { name: 'Order placed' })).toBeVisible(SLOW);
  await laptop.getByRole('button', { name: 'Don’t wait: treat the access token as expired' }).click();
  await laptop.getByRole('button', { name: 'Re-order' }).click();
  await expect(laptop.getByRole('region', { name: /Re-ordered: a copy of order/ })).toContainText(
    /Steps 5-6 again/,
    SLOW,
  );
  await expectDone(laptop, 'refresh-rotation');

  // 1. Allow less than asked: fails while offline_access was granted; Ask me again, untick it, passes.
  const wide = await check(laptop, 'scope-photos-read');
  await expect(wide).toContainText('offline_access');
  await laptop.goto('/');
  await laptop.getByLabel('Ask me again').check();
  await laptop.getByRole('button', { name: 'Import photos from Drive' }).click();
  await expect(laptop.getByRole('heading', { name: /Photo Printer wants to access your Drive/ })).toBeVisible(SLOW);
  await laptop.locator('#scope-offline_access').uncheck();
  await laptop.getByRole('button', { name: 'Allow' }).click();
  await expect(laptop).toHaveURL(new RegExp(`^${urls().printer}/photos`), SLOW);
  await expectDone(laptop, 'scope-photos-read');

  // 5. Approve the kiosk from a second browser: the learner's phone, signed in as them.
  await laptop.goto('/kiosk');
  await laptop.getByRole('button', { name: 'Start on the kiosk' }).click();
  const userCode = (await laptop.getByLabel('Your code').innerText()).trim();
  const phone = await (await browser.newContext()).newPage();
  await phone.goto(`${urls().auth}/device`);
  await phone.getByLabel('Code', { exact: true }).fill(userCode);
  await phone.getByRole('button', { name: 'Continue' }).click();
  await phone.getByLabel('Username').fill(name);
  await phone.getByLabel('Password').fill(PASSPHRASE);
  await phone.getByRole('button', { name: 'Sign in' }).click();
  await phone.getByRole('button', { name: 'Allow' }).click();
  await expect(phone.getByRole('heading', { name: 'Device connected' })).toBeVisible(SLOW);
  await phone.context().close();
  await expect(laptop.getByRole('heading', { name: /photos, ready to print at the kiosk/ })).toBeVisible({
    timeout: 45_000,
  });
  const kiosk = await check(laptop, 'device-second-browser');
  await expect(kiosk.getByRole('heading', { name: 'Done: here is what happened' })).toBeVisible(SLOW);
  // The auth server compared the phone's browser with the laptop's, where Photo Printer was authorized.
  await expect(kiosk).toContainText('confirms you approved from another browser');

  // 6. Revoke Photo Printer in Connected apps: the photos page still gets them (Drive checks JWTs locally); the
  // visit is a flow of its own (steps 7-8), so the check sees its Drive call. A re-order would do as well.
  const kept = await check(laptop, 'revoke-still-works');
  await expect(kept).toContainText('remove Photo Printer');
  await laptop.goto(`${urls().auth}/apps`);
  await laptop.getByRole('button', { name: 'Remove Photo Printer', exact: true }).click();
  await expect(laptop.getByText(/Removed\./)).toBeVisible(SLOW);
  // Drive's call must come in a later second than the revocation (the auth server keeps seconds).
  await laptop.waitForTimeout(1100);
  await laptop.goto('/photos');
  await expect(laptop.getByRole('checkbox').first()).toBeVisible(SLOW);
  await expectDone(laptop, 'revoke-still-works', 'Drive verifies the JWT signature locally until it expires.');

  await laptop.goto('/exercises');
  await expect(laptop.locator('#exercises-done')).toHaveText('6 of 6');
  await laptop.context().close();
}

test('two learners do the six exercises in parallel; the class board shows their progress live', async ({
  browser,
}) => {
  test.setTimeout(300_000);
  const suffix = randomBytes(3).toString('hex');
  const learners = [`ada-${suffix}`, `lin-${suffix}`];

  // The instructor opens the board first, and leaves it open: it polls.
  const board = await (await browser.newContext({ baseURL: urls().printer })).newPage();
  await board.goto('/class');
  await expect(board.getByRole('heading', { name: 'Turn instructor mode on first' })).toBeVisible();
  await board.goto('/timeline');
  await board.getByRole('button', { name: 'Turn instructor mode on' }).click();
  await board.goto('/class');
  await expect(board.getByRole('heading', { name: 'Class board' })).toBeVisible();
  await expect(board.getByRole('img', { name: /QR code of the class link/ })).toBeVisible();
  await expect(board.locator('.qr svg')).toBeVisible();

  await Promise.all(learners.map((name) => sixExercises(browser, name)));

  // Without a reload: the board's script picked up both learners, all six done each.
  for (const name of learners) {
    const row = board.locator(`tr[data-learner="${name}"]`);
    await expect(row.locator('td.count')).toHaveText('6 / 6', SLOW);
    await expect(row.locator('td[data-exercise]')).toHaveCount(6);
    for (const cell of await row.locator('td[data-exercise]').all()) await expect(cell).toContainText('✓');
  }

  await expect(board.locator('#board-summary')).toContainText(/with all 6 exercises done/);

  // A learner's session cannot read the board, nor its data.
  const learner = await (await browser.newContext({ baseURL: urls().printer })).newPage();
  const json = await learner.request.get('/class/progress');
  expect(json.status()).toBe(403);
  expect(await json.text()).not.toContain(learners[0]);
  await learner.context().close();
  await board.context().close();
});
