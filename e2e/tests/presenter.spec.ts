/**
 * Presenter view (issue 18 item 1): one switch in the printer's instructor mode turns the three services to
 * projector scale. At 1280×720 the action of each page is on the first screen, its text at 20 px or more, the step
 * banners one line each, and the keyboard drives step-through.
 */
import { createRequire } from 'node:module';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { forgetConsent, PASSWORDS } from '../support/flow.js';
import { urls } from '../support/services.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

// bypassCSP: the pages forbid inline scripts, and axe-core is injected to measure contrast (as in a11y.spec.ts).
test.use({ viewport: { width: 1280, height: 720 }, bypassCSP: true });
test.setTimeout(90_000);

async function fontPx(locator: Locator): Promise<number> {
  return locator.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
}

/** The page's action is whole on the first screen (nothing scrolled), and large enough for the back of the room. */
async function expectProjectable(page: Page, action: Locator) {
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  await expect(action).toBeInViewport({ ratio: 1 });
  expect(await fontPx(action)).toBeGreaterThanOrEqual(20);
  expect(await fontPx(page.locator('body'))).toBeGreaterThanOrEqual(20);
}

test.describe('Presenter view', () => {
  test('one switch for the three services; actions above the fold at 1280×720 with 20 px text; keys drive step-through', async ({
    page,
  }) => {
    await forgetConsent(page, 'alice');
    await page.goto('/');
    await expect(page.getByRole('button', { name: 'Turn presenter view on' })).toHaveCount(0); // instructor mode only
    await page.getByRole('button', { name: 'Turn instructor mode on' }).click();
    await page.getByRole('button', { name: 'Turn presenter view on' }).click();
    // Through the auth server's and Drive's /presenter, and back to the page the switch was on.
    await expect(page).toHaveURL(`${urls().printer}/`);
    await expect(page.locator('body')).toHaveClass(/\bpresenter\b/);

    // The printer home: "Import photos from Drive" on the first screen.
    const smallBefore = await fontPx(page.getByText('Ask me again').first());
    expect(smallBefore).toBeGreaterThanOrEqual(20);
    await expectProjectable(page, page.getByRole('button', { name: 'Import photos from Drive' }));

    // The kiosk: its user code on the first screen (RFC 8628 §3.3: the user types it on another device).
    await page.goto('/kiosk');
    await page.getByRole('button', { name: 'Start on the kiosk' }).first().click();
    await expectProjectable(page, page.getByLabel('Your code'));
    // What a page sets larger than the base stays larger: the code is read from the back of the room.
    expect(await fontPx(page.getByLabel('Your code'))).toBeGreaterThan(await fontPx(page.locator('body')));
    await page.getByRole('button', { name: 'Cancel' }).click();

    // The request builder: the URL as it is built and Send stay in sight below the fields (a sticky bar).
    await page.goto('/request-builder');
    await expectProjectable(page, page.getByRole('button', { name: 'Send: go to the auth server' }));

    // The print lab and quick print: explanations folded (data-presenter-fold), the buttons on the first screen.
    await page.goto('/print-lab');
    await expectProjectable(page, page.getByRole('button', { name: 'Fetch the sample gallery as the print lab' }));
    await page.goto('/quick-print');
    await expect(
      page.locator('details.presenter-fold > summary', { hasText: 'Who plays which role here' }),
    ).toBeVisible();
    await expectProjectable(page, page.getByRole('button', { name: 'Quick print with the Implicit flow' }));
    await expectProjectable(page, page.getByRole('button', { name: 'Quick print with Authorization Code + PKCE' }));

    // Drive and the auth server honour the same switch, in their own sessions.
    await page.goto(urls().drive);
    await expect(page.locator('body')).toHaveClass(/\bpresenter\b/);
    expect(await fontPx(page.locator('body'))).toBeGreaterThanOrEqual(20);
    await page.goto(`${urls().drive}/signin`);
    await expectProjectable(page, page.getByRole('button', { name: 'Sign in to Drive' }));
    await page.goto(`${urls().auth}/device`);
    await expectProjectable(page, page.getByRole('button', { name: 'Continue' }));

    // The consent screen, the moment the class is there for: Allow on the first screen, 20 px, banners one line.
    await page.goto('/');
    await page.getByLabel('Ask me again').check();
    await page.getByRole('button', { name: 'Import photos from Drive' }).click();
    await expect(page).toHaveURL(new RegExp(`^${urls().auth}/interaction/`));
    await expect(page.locator('body')).toHaveClass(/\bpresenter\b/);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(PASSWORDS.alice);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: /Photo Printer wants to access your Drive/ })).toBeVisible();
    // Still presenter view after sign-in (a new session id: the preference is carried over).
    await expect(page.locator('body')).toHaveClass(/\bpresenter\b/);
    await expectProjectable(page, page.getByRole('button', { name: 'Allow' }));
    await expect(page.getByRole('button', { name: 'Deny' })).toBeInViewport({ ratio: 1 });
    // Each step banner is one line; the whole text opens on demand.
    const banner = page.locator('.step-now .step-line').first();
    const summary = banner.locator('summary');
    await expect(summary).toBeVisible();
    const lineHeight = await summary.evaluate(
      (el) => parseFloat(getComputedStyle(el).lineHeight) || parseFloat(getComputedStyle(el).fontSize) * 1.5,
    );
    expect((await summary.boundingBox())!.height).toBeLessThan(lineHeight * 1.6);
    const detail = banner.locator('details .muted');
    await expect(detail).toBeHidden();
    await summary.click();
    await expect(detail).toBeVisible();
    await page.getByRole('button', { name: 'Allow' }).click();
    await expect(page).toHaveURL(new RegExp(`^${urls().printer}/photos`));
    // The timeline of that flow lights all eight steps: their banners fold into one line, each one's text a click away.
    await page.goto('/timeline');
    const folded = page.locator('.step-now > details.step-lines');
    await expect(folded.locator('> summary')).toHaveText(/^Steps 1, 2, 3, 4, 5, 6, 7, 8 on this page/);
    await expect(folded.locator('.step-line').first()).toBeHidden();
    await folded.locator('> summary').click();
    await expect(folded.locator('.step-line').first()).toBeVisible();

    // Step-through by keyboard: → is Continue, ← the timeline, i the inspector.
    await page.goto('/');
    await page.getByRole('button', { name: 'Turn step-through mode on' }).click();
    await page.getByRole('button', { name: 'Import photos from Drive' }).click();
    await expect(page.getByRole('button', { name: 'Continue' })).toBeVisible();
    // The pause page's action first: Continue on the first screen, the parameter table after it.
    await expectProjectable(page, page.getByRole('button', { name: 'Continue' }));
    const stepUrl = page.url();
    await page.waitForLoadState('load'); // presenter.js (deferred) listens from here
    await page.keyboard.press('ArrowRight');
    await expect(page).not.toHaveURL(stepUrl);
    await expect(page).toHaveURL(new RegExp(`^${urls().auth}/`));
    await page.goBack();
    await page.goto('/');
    await page.getByRole('button', { name: 'Import photos from Drive' }).click();
    await expect(page.getByRole('button', { name: 'Continue' })).toBeVisible();
    await page.waitForLoadState('load'); // presenter.js (deferred) listens from here
    await page.keyboard.press('ArrowLeft');
    await expect(page).toHaveURL(new RegExp(`^${urls().printer}/timeline`));
    await page.waitForLoadState('load');
    await page.keyboard.press('i');
    await expect(page).toHaveURL(`${urls().printer}/inspect`);
    // No instructor secret on the projector unless asked: tokens masked, then whole after "Show secrets".
    const raw = page.locator('article[data-kind="access_token"] pre.raw').first();
    await expect(raw).not.toHaveText(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/);
    await page.getByRole('button', { name: 'Show secrets' }).click();
    await expect(page.getByRole('button', { name: 'Hide secrets' })).toBeVisible();
    expect((await raw.innerText()).trim()).toMatch(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/);
    await page.getByRole('button', { name: 'Hide secrets' }).click();
    await expect(page.getByRole('button', { name: 'Show secrets' })).toBeVisible();
    await page.waitForLoadState('load');
    await page.keyboard.press('t');
    await expect(page).toHaveURL(new RegExp(`^${urls().printer}/timeline`));

    // Off again, on the three services.
    await page.getByRole('button', { name: 'Turn presenter view off' }).click();
    await expect(page.locator('body')).not.toHaveClass(/\bpresenter\b/);
    await page.goto(urls().drive);
    await expect(page.locator('body')).not.toHaveClass(/\bpresenter\b/);
  });

  test('high contrast: the text of the printer, Drive and auth server pages at 7:1 (WCAG 2 AAA 1.4.6, axe-core)', async ({
    page,
  }) => {
    await page.goto('/');
    await page.getByRole('button', { name: 'Turn instructor mode on' }).click();
    await page.getByRole('button', { name: 'Turn presenter view on' }).click();
    await expect(page.locator('body')).toHaveClass(/\bpresenter\b/);
    for (const url of [
      '/',
      '/timeline',
      '/inspect',
      '/kiosk',
      '/print-lab',
      '/quick-print',
      '/grants',
      '/request-builder',
      `${urls().drive}/`,
      `${urls().drive}/signin`,
      `${urls().auth}/apps`,
      `${urls().auth}/device`,
    ]) {
      await page.goto(url);
      await expect(page.locator('body')).toHaveClass(/\bpresenter\b/);
      await page.addScriptTag({ path: AXE });
      const failing = await page.evaluate(async () => {
        const axe = (
          window as unknown as {
            axe: {
              run: (
                ctx: Document,
                opts: unknown,
              ) => Promise<{ violations: { nodes: { target: unknown[]; failureSummary?: string }[] }[] }>;
            };
          }
        ).axe;
        const result = await axe.run(document, { runOnly: { type: 'rule', values: ['color-contrast-enhanced'] } });
        return result.violations.flatMap((v) =>
          v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`),
        );
      });
      expect(failing, `${url}: text at 7:1 in presenter view`).toEqual([]);
    }
  });
});

test.describe('Presenter view at 1920×1080', () => {
  test.use({ viewport: { width: 1920, height: 1080 } });

  test('the same pages: base text of 20 px and more, each action on the first screen', async ({ page }) => {
    await forgetConsent(page, 'alice');
    await page.goto('/');
    await page.getByRole('button', { name: 'Turn instructor mode on' }).click();
    await page.getByRole('button', { name: 'Turn presenter view on' }).click();
    await expect(page.locator('body')).toHaveClass(/\bpresenter\b/);
    await expectProjectable(page, page.getByRole('button', { name: 'Import photos from Drive' }));
    await page.goto('/kiosk');
    await page.getByRole('button', { name: 'Start on the kiosk' }).first().click();
    await expectProjectable(page, page.getByLabel('Your code'));
    await page.getByRole('button', { name: 'Cancel' }).click();
    await page.goto('/print-lab');
    await expectProjectable(page, page.getByRole('button', { name: 'Fetch the sample gallery as the print lab' }));
    await page.goto('/quick-print');
    await expectProjectable(page, page.getByRole('button', { name: 'Quick print with the Implicit flow' }));
    await expectProjectable(page, page.getByRole('button', { name: 'Quick print with Authorization Code + PKCE' }));
    await page.goto(`${urls().drive}/signin`);
    await expectProjectable(page, page.getByRole('button', { name: 'Sign in to Drive' }));
    await page.goto(`${urls().auth}/device`);
    await expectProjectable(page, page.getByRole('button', { name: 'Continue' }));
    // The consent screen, in step-through mode: each pause page's Continue on the first screen too.
    await page.goto('/');
    await page.getByRole('button', { name: 'Turn step-through mode on' }).click();
    await page.getByRole('button', { name: 'Import photos from Drive' }).click();
    await expect(page.locator('#step-heading')).toHaveText(/^Step 2:/);
    const pauseBeforeAuthorize = page.getByRole('button', { name: 'Continue' });
    await expectProjectable(page, pauseBeforeAuthorize);
    await pauseBeforeAuthorize.click();
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(PASSWORDS.alice);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByRole('heading', { name: /Photo Printer wants to access your Drive/ })).toBeVisible();
    await expectProjectable(page, page.getByRole('button', { name: 'Allow' }));
    await expect(page.getByRole('button', { name: 'Deny' })).toBeInViewport({ ratio: 1 });
    // Back at the printer: every pause page up to the photos (the answer, the token request, the tokens, the call
    // to Drive), each with Continue on the first screen.
    await page.getByRole('button', { name: 'Allow' }).click();
    const paused: string[] = [];
    while (!/\/photos/.test(page.url())) {
      await expect(page).toHaveURL(new RegExp(`^${urls().printer}/(step|photos)`));
      if (/\/photos/.test(page.url())) break;
      await expect(page.getByRole('button', { name: 'Continue' })).toBeVisible();
      const heading = await page.locator('#step-heading').innerText();
      paused.push(heading);
      await expectProjectable(page, page.getByRole('button', { name: 'Continue' }));
      await page.getByRole('button', { name: 'Continue' }).click();
      // Every pause is at /step: wait for the next page (another heading, or none on the photos page).
      await page.waitForFunction((h) => document.querySelector('#step-heading')?.textContent?.trim() !== h, heading);
      await page.waitForLoadState('load');
      expect(paused.length).toBeLessThan(8);
    }
    expect(paused.map((h) => h.split(':')[0])).toEqual(['Step 4', 'Step 5', 'Step 6', 'Step 7']);
  });
});
