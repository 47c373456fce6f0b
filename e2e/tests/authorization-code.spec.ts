/**
 * The main path of the story: Authorization Code + PKCE across the three real services (steps 1-8).
 */
import { expect, test } from '@playwright/test';
import { connectAs, forgetConsent, importAndSignIn, photoTitles } from '../support/flow.js';
import { restartService, urls } from '../support/services.js';

test.describe('Authorization Code with PKCE, steps 1-8', () => {
  test('the home page explains the five roles and shows step 1', async ({ page }) => {
    await page.goto('/');
    const roles = page.getByRole('region', { name: /Who is who/ });
    const mapping = [
      ['Resource', 'A photo'],
      ['Resource Owner', 'alice or bob'],
      ['Resource Server', 'Drive'],
      ['Client', 'Photo Printer'],
      ['Authorization Server', 'Auth server'],
    ] as const;
    for (const [term, onScreen] of mapping) {
      const item = roles.getByRole('listitem').filter({ has: page.getByText(term, { exact: true }) });
      await expect(item).toHaveCount(1);
      await expect(item).toContainText(onScreen);
    }
    await expect(page.getByText('Step 1', { exact: true }).first()).toBeVisible();
    await expect(page.getByRole('button', { name: 'Import photos from Drive' })).toBeVisible();
  });

  test('Allow: alice connects, sees her photos, orders prints, and the order survives a printer crash', async ({
    page,
  }) => {
    // The Content-Security-Policy is strict; the pages must really satisfy it (no inline script or style).
    const cspViolations: string[] = [];
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to (load|apply|execute|frame)/i.test(message.text()))
        cspViolations.push(message.text());
    });
    await forgetConsent(page, 'alice');
    await importAndSignIn(page, 'alice');
    // The consent screen names the client and describes each scope it asks for.
    await expect(page.getByText('photos.read')).toBeVisible();
    await expect(page.getByText(/View your photos/)).toBeVisible();
    await expect(page.getByRole('checkbox', { name: /offline_access/ })).toBeChecked();
    await page.getByRole('button', { name: 'Allow' }).click();

    // Back at the printer: steps 7 and 8 happened to show this page.
    await expect(page).toHaveURL(`${urls().printer}/photos`);
    await expect(page.getByText('Step 7', { exact: true }).first()).toBeVisible();
    await expect(page.getByText('Step 8', { exact: true }).first()).toBeVisible();
    const titles = await photoTitles(page);
    expect(titles.length).toBeGreaterThanOrEqual(6);
    // The images are really served (through the printer, which holds the token).
    const firstImage = page.locator('img').first();
    await expect(firstImage).toBeVisible();
    // Visible is not loaded: on a busy machine the bytes may still be on their way, so wait for them.
    await expect
      .poll(() => firstImage.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
      .toBe(true);
    // The token never reaches the browser.
    expect(await page.content()).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);

    await page.getByRole('checkbox', { name: titles[0]! }).check();
    await page.getByRole('checkbox', { name: titles[1]! }).check();
    await page.getByLabel('Print size').selectOption({ index: 1 });
    await page.getByLabel('Copies').fill('3');
    await page.getByRole('button', { name: 'Place order' }).click();

    await expect(page).toHaveURL(new RegExp(`^${urls().printer}/orders/[A-Za-z0-9_-]+$`));
    await expect(page.getByRole('heading', { name: /Order placed/ })).toBeVisible();
    await expect(page.getByText(titles[0]!).first()).toBeVisible();
    await expect(page.getByText(titles[1]!).first()).toBeVisible();
    const orderUrl = page.url();

    // kill -9 the printer, start it again: the order (and this browser's session) is still there.
    await restartService('printer', 'SIGKILL');
    await page.goto(orderUrl);
    await expect(page.getByRole('heading', { name: /Order placed/ })).toBeVisible();
    await expect(page.getByText(titles[0]!).first()).toBeVisible();
    const image = page.locator('img').first();
    await expect(image).toBeVisible();
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
    expect(cspViolations).toEqual([]);
  });

  test('Deny: the learner is brought back to the printer with access_denied explained', async ({ page }) => {
    await forgetConsent(page, 'alice');
    await importAndSignIn(page, 'alice');
    await page.getByRole('button', { name: 'Deny' }).click();
    await expect(page).toHaveURL(new RegExp(`^${urls().printer}/callback`));
    await expect(page.getByText('access_denied').first()).toBeVisible();
    const text = await page.locator('body').innerText();
    expect(text).not.toMatch(/at .*\.js:\d+|Error: /);
    await expect(
      page
        .getByRole('button', { name: 'Import photos from Drive' })
        .or(page.getByRole('link', { name: /try again|start again/i }))
        .first(),
    ).toBeVisible();
  });

  test("bob's photos never appear in alice's flow, and the other way round", async ({ browser }) => {
    const bobContext = await browser.newContext();
    const bobPage = await bobContext.newPage();
    await connectAs(bobPage, 'bob');
    const bobTitles = await photoTitles(bobPage);
    expect(bobTitles.length).toBeGreaterThanOrEqual(3);
    await bobContext.close();

    const aliceContext = await browser.newContext();
    const alicePage = await aliceContext.newPage();
    await connectAs(alicePage, 'alice');
    const aliceTitles = await photoTitles(alicePage);
    expect(aliceTitles.length).toBeGreaterThanOrEqual(6);
    expect(aliceTitles.filter((t) => bobTitles.includes(t))).toEqual([]);
    const aliceText = await alicePage.locator('body').innerText();
    for (const title of bobTitles) expect(aliceText).not.toContain(title);
    await aliceContext.close();
  });
});
