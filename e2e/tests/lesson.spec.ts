/**
 * The lesson that runs itself (issue 18 item 2): at 1280×720 with the presenter view on, the instructor walks every
 * segment of docs/lesson.md with "next" (the key n), from the first to the last. Each segment's page opens in the
 * state it promises (step-through on, a fresh consent, the last flow pinned, the kiosk started), its action is on the
 * first screen, and the timer runs. The segments come from the one definition (@oauth-demo/teaching LESSON).
 */
import { createRequire } from 'node:module';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { LESSON, type LessonSegment } from '@oauth-demo/teaching';
import { forgetConsent, PASSWORDS } from '../support/flow.js';
import { urls } from '../support/services.js';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

// bypassCSP: the pages forbid inline scripts, and axe-core is injected to measure the bar's contrast.
test.use({ viewport: { width: 1280, height: 720 }, bypassCSP: true });
test.setTimeout(240_000);

/** The element each segment's page must show on the first screen (its `action`, found on the page). */
function actionOf(page: Page, segment: LessonSegment): Locator {
  switch (segment.id) {
    case 'story':
      return page.locator('.service-role');
    case 'other-grants':
      return page.getByLabel(segment.action);
    case 'wrap-up':
      return page.getByRole('heading', { name: segment.action });
    default:
      return page.getByRole('button', { name: segment.action, exact: true });
  }
}

async function expectOnFirstScreen(page: Page, action: Locator) {
  await expect(action).toBeVisible();
  expect(await page.evaluate(() => window.scrollY)).toBe(0);
  await expect(action).toBeInViewport({ ratio: 1 });
}

/** "Next" as the instructor presses it: the key n (lesson.js on a printer page, presenter.js on the auth server's), once the page has loaded. */
async function pressNext(page: Page) {
  await page.waitForLoadState('load');
  await page.keyboard.press('n');
}

/** The Authorization Code flow to its end, through whatever step-through pauses, sign-in and consent come. */
async function throughTheFlow(page: Page): Promise<{ consentShown: boolean; pauses: number }> {
  let consentShown = false;
  let pauses = 0;
  for (let hops = 0; hops < 20; hops++) {
    await page.waitForLoadState('load');
    if (new RegExp(`^${urls().printer}/photos`).test(page.url())) return { consentShown, pauses };
    const continueButton = page.getByRole('button', { name: 'Continue', exact: true });
    const allow = page.getByRole('button', { name: 'Allow', exact: true });
    const username = page.getByLabel('Username');
    await expect(continueButton.or(allow).or(username).first()).toBeVisible();
    if (await username.isVisible()) {
      await username.fill('alice');
      await page.getByLabel('Password').fill(PASSWORDS.alice);
      await page.getByRole('button', { name: 'Sign in' }).click();
    } else if (await allow.isVisible()) {
      consentShown = true;
      await expectOnFirstScreen(page, allow);
      await allow.click();
    } else {
      pauses++;
      await continueButton.click();
    }
  }
  throw new Error(`the flow did not reach the photos page: ${page.url()}`);
}

test('walks every segment of the lesson with next at 1280×720 in presenter view', async ({ page }) => {
  // A consent Allowed before the class: segment 2's "fresh consent" must make the screen come back anyway.
  await forgetConsent(page, 'alice');
  await page.goto('/');
  await page.getByRole('button', { name: 'Turn instructor mode on' }).click();
  await page.getByRole('button', { name: 'Turn presenter view on' }).click();
  await expect(page.locator('body')).toHaveClass(/\bpresenter\b/);
  await page.getByRole('button', { name: 'Start the lesson' }).click();

  const bar = page.locator('[data-lesson-bar]');
  for (const [i, segment] of LESSON.entries()) {
    await test.step(`${i + 1}. ${segment.title}`, async () => {
      const origin = segment.page.service === 'auth' ? urls().auth : urls().printer;
      await expect(page).toHaveURL(new RegExp(`^${origin}${segment.page.path.replace(/[?]/g, '\\?')}(\\?|$)`));
      await expectOnFirstScreen(page, actionOf(page, segment));
      if (segment.page.service === 'printer') {
        await expect(bar.locator('[data-lesson-segment]')).toHaveAttribute('data-lesson-segment', segment.id);
        await expect(bar.locator('.lesson-where')).toHaveText(`Lesson ${i + 1}/${LESSON.length}`);
        await expect(bar).toBeInViewport();
        // The bar's first line stays one line, whatever the segment's title (its buttons never wrap below it).
        const line = bar.locator('.lesson-line');
        const next = bar.getByRole('button', { name: /^(Next →|End the lesson)$/ });
        expect((await next.boundingBox())!.y).toBeLessThan((await line.boundingBox())!.y + 20);
        // Each clock says what its numbers are, on screen: the lesson's is the plan at this segment's end.
        await expect(bar.locator('[data-lesson-clock="segment"]')).toHaveText(
          new RegExp(`^segment \\d+:\\d\\d / ${segment.minutes}:00$`),
        );
        const planEnd = LESSON.slice(0, i + 1).reduce((sum, s) => sum + s.minutes, 0);
        await expect(bar.locator('[data-lesson-clock="lesson"]')).toHaveText(
          new RegExp(`^lesson \\d+:\\d\\d / ${planEnd}:00 by segment end$`),
        );
        await expect(bar.locator('[data-lesson-clock="lesson"]')).toBeInViewport({ ratio: 1 });
      }

      if (i === 0) {
        // The timer runs: the segment's clock moves on its own, without a reload.
        const clock = bar.locator('[data-lesson-clock="segment"] [data-elapsed]');
        const first = await clock.innerText();
        await expect(clock).not.toHaveText(first, { timeout: 5_000 });
        // What to say is one line; the full notes open on demand.
        const notes = bar.locator('.lesson-notes');
        await expect(notes.locator('p').first()).toBeHidden();
        await notes.locator('summary').click();
        await expect(notes.locator('p').first()).toBeVisible();
        await notes.locator('summary').click();
        // Read from the back of the room: 20 px and more, text at 7:1 (WCAG 2 AAA 1.4.6, axe-core).
        for (const part of [
          bar.locator('.lesson-title'),
          notes.locator('summary'),
          bar.locator('.lesson-clock').first(),
        ])
          expect(await part.evaluate((el) => parseFloat(getComputedStyle(el).fontSize))).toBeGreaterThanOrEqual(20);
        await page.addScriptTag({ path: AXE });
        const failing = await page.evaluate(async () => {
          const axe = (
            window as unknown as {
              axe: {
                run: (
                  ctx: { include: string[][] },
                  opts: unknown,
                ) => Promise<{ violations: { nodes: { target: unknown[] }[] }[] }>;
              };
            }
          ).axe;
          const result = await axe.run(
            { include: [['[data-lesson-bar]']] },
            { runOnly: { type: 'rule', values: ['color-contrast-enhanced'] } },
          );
          return result.violations.flatMap((v) => v.nodes.map((n) => JSON.stringify(n.target)));
        });
        expect(failing, 'the lesson bar at 7:1').toEqual([]);
      }
      if (segment.id === 'code-flow') {
        await expect(page.getByRole('button', { name: 'Turn step-through mode off' })).toHaveCount(1);
        await expect(page.locator('[data-connection="none"]')).toBeVisible();
        await page.getByRole('button', { name: 'Import photos from Drive' }).click();
        const flow = await throughTheFlow(page);
        expect(flow.consentShown, 'a fresh consent: the consent screen shows').toBe(true);
        expect(flow.pauses, 'step-through paused the hops').toBeGreaterThan(0);
      }
      if (segment.id === 'consent') {
        await expect(page.getByRole('button', { name: 'Turn step-through mode on' })).toHaveCount(1);
        await expect(page.getByLabel('Ask me again')).toBeChecked();
        await expect(page.locator('[data-connection="none"]')).toBeVisible();
        await page.getByRole('button', { name: 'Import photos from Drive' }).click();
        const flow = await throughTheFlow(page);
        expect(flow.consentShown, 'the consent screen shows again').toBe(true);
        expect(flow.pauses).toBe(0);
      }
      if (segment.id === 'timeline') {
        await expect(page.locator('.flow-list li').first()).toHaveAttribute('data-pinned', 'true');
        await expect(page.locator('.flow-list li').first().locator('a')).toHaveAttribute('aria-current', 'page');
        await expect(page.locator('.seq-rows, .flow-rows, table').first()).toBeAttached();
      }
      if (segment.id === 'other-grants') await expect(page.getByLabel('Your code')).toHaveText(/\w{4}-?\w{4}/);
      if (segment.id === 'revocation') {
        // No bar on the auth server's page, yet one n goes on to the next segment (below), as on the printer.
        await expect(page.getByRole('heading', { name: 'Connected apps' })).toBeVisible();
      }

      if (i === LESSON.length - 1) {
        // p goes back one segment (here to the auth server's page), n comes forward again.
        await page.waitForLoadState('load');
        await page.keyboard.press('p');
        const previous = LESSON[i - 1]!;
        const previousOrigin = previous.page.service === 'auth' ? urls().auth : urls().printer;
        await expect(page).toHaveURL(new RegExp(`^${previousOrigin}${previous.page.path}`));
        await pressNext(page);
        await expect(page).toHaveURL(new RegExp(`^${urls().printer}${segment.page.path}`));
        await expect(bar.locator('[data-lesson-segment]')).toHaveAttribute('data-lesson-segment', segment.id);
        await pressNext(page);
        await expect(page).toHaveURL(`${urls().printer}/`);
        await expect(page.getByText('The lesson is over')).toBeVisible();
        await expect(bar).toHaveCount(0);
      } else {
        await pressNext(page);
        const next = LESSON[i + 1]!;
        const origin = next.page.service === 'auth' ? urls().auth : urls().printer;
        await expect(page).toHaveURL(new RegExp(`^${origin}${next.page.path}`));
      }
    });
  }
});
