/**
 * One definition of each grant's steps (packages/teaching/src/steps.ts), checked from the outside: for every grant,
 * each page of its flow and its timeline show only that grant's steps, under that grant's name. The table below is
 * the notes' grants table (docs/notes.md), written down independently of the code, so a page that borrows another
 * grant's steps (the device flow's pages lighting the code flow's step 4, a refresh labelled "sends the code")
 * fails here.
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import { PASSWORDS, connectAs, forgetConsent, importAndSignIn, photoTitles, signIn } from '../support/flow.js';
import { urls } from '../support/services.js';

type GrantKey = 'authorization_code' | 'implicit' | 'client_credentials' | 'password' | 'refresh_token' | 'device_code';

/** The notes' grants table, plus the two extensions the demo shows (Refresh Token, Device Authorization). */
const GRANT_STEPS: Record<GrantKey, number[]> = {
  authorization_code: [1, 2, 3, 4, 5, 6, 7, 8],
  implicit: [1, 2, 3, 6, 7, 8],
  client_credentials: [2, 6, 7, 8],
  password: [1, 2, 6, 7, 8],
  refresh_token: [5, 6, 7, 8],
  device_code: [1, 2, 3, 5, 6, 7, 8],
};

interface SeenBar {
  grant: string;
  steps: number[];
  active: number[];
  /** The bar's own words on the numbers it skips: its visible question, and the steps it explains. */
  gaps: { question: string; visible: boolean; explained: number[] } | null;
}

/** What the page shows of steps: its step bars, its step banners, and (on the timeline) the numbered arrows. */
async function stepsShown(
  page: Page,
): Promise<{ bars: SeenBar[]; banners: { grant: string; step: number }[]; arrows: number[] }> {
  const bars = await page.locator('nav.steps').evaluateAll((navs) =>
    navs.map((nav) => ({
      grant: nav.getAttribute('data-grant') ?? '',
      steps: Array.from(nav.querySelectorAll('li[data-step]')).map((li) => Number(li.getAttribute('data-step'))),
      active: Array.from(nav.querySelectorAll('li.on[data-step]')).map((li) => Number(li.getAttribute('data-step'))),
      gaps: (() => {
        const summary = nav.querySelector('.step-gaps summary');
        if (!summary) return null;
        return {
          question: summary.textContent ?? '',
          visible: summary.checkVisibility(),
          explained: Array.from(nav.querySelectorAll('[data-absent-step]')).map((li) =>
            Number(li.getAttribute('data-absent-step')),
          ),
        };
      })(),
    })),
  );
  const banners = await page
    .locator('.step-line[data-step]')
    .evaluateAll((lines) =>
      lines.map((p) => ({ grant: p.getAttribute('data-grant') ?? '', step: Number(p.getAttribute('data-step')) })),
    );
  const arrows = await page.locator('.seq-row[data-step]').evaluateAll((rows) =>
    rows
      .map((r) => r.getAttribute('data-step') ?? '')
      .filter((v) => v !== '')
      .map(Number),
  );
  return { bars, banners, arrows };
}

/**
 * The check every page of a grant's walk gets: at least one step bar, each of the expected grants, each listing
 * exactly that grant's steps; every banner and every timeline arrow a step of that grant.
 */
async function expectOnlyGrantSteps(page: Page, grants: GrantKey[], where: string): Promise<void> {
  const shown = await stepsShown(page);
  expect(
    shown.bars.map((b) => b.grant),
    `${where}: the step bars name the flow's grant`,
  ).toEqual(grants);
  for (const bar of shown.bars) {
    const own = GRANT_STEPS[bar.grant as GrantKey];
    expect(bar.steps, `${where}: the ${bar.grant} bar lists exactly that grant's steps`).toEqual(own);
    for (const n of bar.active) expect(own, `${where}: lit step ${n} belongs to ${bar.grant}`).toContain(n);
    // A bar that skips numbers says which and why, on screen; a bar with all eight says nothing.
    const missing = [1, 2, 3, 4, 5, 6, 7, 8].filter((n) => !own.includes(n));
    if (missing.length === 0) expect(bar.gaps, `${where}: ${bar.grant} skips nothing`).toBeNull();
    else {
      expect(bar.gaps?.visible, `${where}: the ${bar.grant} bar asks why it skips ${missing}`).toBe(true);
      expect(bar.gaps?.question).toMatch(new RegExp(`^Why no steps? ${missing.slice(0, -1).join(', ')}`));
      expect(bar.gaps?.explained, `${where}: each missing step explained`).toEqual(missing);
    }
  }
  for (const banner of shown.banners) {
    expect(grants, `${where}: banner of step ${banner.step}`).toContain(banner.grant);
    expect(
      GRANT_STEPS[banner.grant as GrantKey],
      `${where}: banner step ${banner.step} belongs to ${banner.grant}`,
    ).toContain(banner.step);
  }
  const allowed = new Set(grants.flatMap((g) => GRANT_STEPS[g]));
  for (const n of shown.arrows) expect(allowed.has(n), `${where}: timeline arrow numbered ${n}`).toBe(true);
}

async function expectTimeline(page: Page, grant: GrantKey, where: string): Promise<void> {
  await page.goto(`${urls().printer}/timeline`);
  await expect(page.locator('.seq-row').first()).toBeVisible();
  await expectOnlyGrantSteps(page, [grant], `${where} timeline`);
}

/** On the phone: the device pages of the auth server, each checked, then Allow. */
async function approveDevice(browser: Browser, userCode: string): Promise<void> {
  const phone = await (await browser.newContext()).newPage();
  await phone.goto(`${urls().auth}/device`);
  await expectOnlyGrantSteps(phone, ['device_code'], 'device code entry');
  await phone.getByLabel('Code', { exact: true }).fill(userCode);
  await phone.getByRole('button', { name: 'Continue' }).click();
  await expectOnlyGrantSteps(phone, ['device_code'], 'device sign-in');
  await phone.getByLabel('Username').fill('alice');
  await phone.getByLabel('Password').fill(PASSWORDS.alice);
  await phone.getByRole('button', { name: 'Sign in' }).click();
  await expect(phone.getByText(userCode).first()).toBeVisible();
  await expectOnlyGrantSteps(phone, ['device_code'], 'device confirm');
  await phone.getByRole('button', { name: 'Allow' }).click();
  await expect(phone.getByRole('heading', { name: 'Device connected' })).toBeVisible();
  await expectOnlyGrantSteps(phone, ['device_code'], 'device connected');
  await phone.context().close();
}

/** Each grant's walk through its own pages; every page visited is checked. One table drives the assertion. */
const WALKS: Record<GrantKey, (page: Page, browser: Browser) => Promise<void>> = {
  authorization_code: async (page) => {
    await forgetConsent(page, 'alice');
    await page.goto(`${urls().printer}/`);
    await expectOnlyGrantSteps(page, ['authorization_code'], 'printer home');
    await importAndSignIn(page, 'alice');
    await expectOnlyGrantSteps(page, ['authorization_code'], 'consent');
    await page.getByRole('button', { name: 'Deny' }).click();
    await expect(page).toHaveURL(new RegExp(`^${urls().printer}/`));
    await expectOnlyGrantSteps(page, ['authorization_code'], 'Deny page');
    // The Deny page lights step 4 as a refusal, not as "sends back a code".
    await expect(page.locator('nav.steps li.refused[data-step="4"]')).toHaveCount(1);
    await expect(page.locator('.step-line.refused')).toContainText('not a code');
    await connectAs(page, 'alice');
    await expectOnlyGrantSteps(page, ['authorization_code'], 'photos');
    await expectTimeline(page, 'authorization_code', 'code flow');
  },
  implicit: async (page) => {
    await forgetConsent(page, 'alice', 'Photo Printer (browser app)');
    await page.goto(`${urls().printer}/quick-print`);
    // The page shows two flows side by side: one bar each, each with its own steps.
    await expectOnlyGrantSteps(page, ['implicit', 'authorization_code'], 'quick print');
    await page.getByRole('button', { name: 'Quick print with the Implicit flow' }).click();
    await signIn(page, 'alice');
    await expectOnlyGrantSteps(page, ['implicit'], 'implicit consent');
    await page.getByRole('button', { name: 'Allow' }).click();
    await expect(page).toHaveURL(new RegExp(`^${urls().printer}/quick-print/callback`));
    await expectOnlyGrantSteps(page, ['implicit'], 'implicit callback');
  },
  client_credentials: async (page) => {
    await page.goto(`${urls().printer}/print-lab`);
    await expectOnlyGrantSteps(page, ['client_credentials'], 'print lab');
    await page.getByRole('button', { name: 'Fetch the sample gallery as the print lab' }).click();
    await expect(page.locator('#results')).toBeVisible();
    await expectOnlyGrantSteps(page, ['client_credentials'], 'print lab results');
    await expectTimeline(page, 'client_credentials', 'print lab');
  },
  password: async (page) => {
    await page.goto(`${urls().drive}/signin`);
    await expectOnlyGrantSteps(page, ['password'], 'Drive sign-in');
    await page.getByLabel('Username').fill('bob');
    await page.getByLabel('Password').fill(PASSWORDS.bob);
    await page.getByRole('button', { name: 'Sign in to Drive' }).click();
    await expect(page).toHaveURL(`${urls().drive}/my-photos`);
    await expectOnlyGrantSteps(page, ['password'], 'Drive my photos');
  },
  refresh_token: async (page) => {
    await connectAs(page, 'alice');
    const [title] = await photoTitles(page);
    await page.getByRole('checkbox', { name: title }).check();
    await page.getByRole('button', { name: 'Place order' }).click();
    await expect(page.getByRole('heading', { name: 'Order placed' })).toBeVisible();
    await page.getByRole('button', { name: 'Don’t wait: treat the access token as expired' }).click();
    await page.getByRole('button', { name: 'Re-order' }).click();
    await expect(page.getByRole('region', { name: /Re-ordered: a copy of order/ })).toContainText(/Steps 5-6 again/);
    await expectOnlyGrantSteps(page, ['refresh_token'], 'refreshed re-order');
    await expectTimeline(page, 'refresh_token', 'refresh');
    // No arrow of a refresh says it sends a code.
    await expect(page.locator('.seq-row[data-step="5"]').first()).not.toContainText('code_verifier');
  },
  device_code: async (page, browser) => {
    await page.goto(`${urls().printer}/kiosk`);
    await expectOnlyGrantSteps(page, ['device_code'], 'kiosk start');
    await page.getByRole('button', { name: 'Start on the kiosk' }).click();
    const userCode = (await page.getByLabel('Your code').innerText()).trim();
    await expectOnlyGrantSteps(page, ['device_code'], 'kiosk waiting');
    await approveDevice(browser, userCode);
    await expect(page.getByRole('heading', { name: /photos, ready to print at the kiosk/ })).toBeVisible({
      timeout: 30_000,
    });
    await expectOnlyGrantSteps(page, ['device_code'], 'kiosk approved');
    await expectTimeline(page, 'device_code', 'kiosk');
  },
};

test.describe('every grant shows only its own steps', () => {
  for (const [grant, walk] of Object.entries(WALKS) as [GrantKey, (typeof WALKS)[GrantKey]][]) {
    test(`${grant}: its pages and its timeline`, async ({ page, browser }) => {
      test.setTimeout(90_000);
      await walk(page, browser);
    });
  }

  test('pages in no flow show no step bar: Drive home, the grants comparison, the inspector', async ({ page }) => {
    for (const url of [`${urls().drive}/`, `${urls().printer}/grants`, `${urls().printer}/inspect`]) {
      await page.goto(url);
      expect((await stepsShown(page)).bars, url).toEqual([]);
    }
  });
});
