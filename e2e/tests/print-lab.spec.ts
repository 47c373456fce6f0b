/**
 * The print lab: Client Credentials (steps 2, 6, 7, 8) against the real auth server and Drive. No user signs in;
 * the page shows Drive's gallery, and Drive's refusal of the same token on the user photo API.
 */
import { expect, test } from '@playwright/test';
import { texts } from '../support/flow.js';
import { urls } from '../support/services.js';

test('Client Credentials: the print lab fetches the gallery as itself, and Drive refuses it the user photos', async ({
  page,
}) => {
  await page.goto('/print-lab');
  for (const n of [2, 6, 7, 8]) await expect(page.getByText(`Step ${n}`, { exact: true }).first()).toBeVisible();
  await page.getByRole('button', { name: 'Fetch the sample gallery as the print lab' }).click();

  // No sign-in, no consent: straight back to the printer with the results.
  await expect(page).toHaveURL(`${urls().printer}/print-lab#results`);
  const results = page.locator('#results');
  await expect(results).toContainText(
    'grant_type=client_credentials&scope=gallery.read&client_id=print-lab&client_secret=••••••••',
  );
  await expect(results.getByRole('row', { name: /Refresh token/ })).toContainText('none');
  await expect(results.getByRole('row', { name: /sub \(subject\)/ })).toContainText('print-lab — the client itself');
  await expect(results.getByRole('row', { name: /^scope/ })).toContainText('gallery.read');

  // GET /api/gallery: 200 and the test prints, with their images.
  await expect(results.getByText(`HTTP 200 from ${urls().drive}/api/gallery`)).toBeVisible();
  const gallery = page.getByLabel('The sample gallery');
  const captions = await texts(page, '[aria-label="The sample gallery"] figcaption');
  expect(captions.length).toBeGreaterThanOrEqual(1);
  const firstImage = gallery.locator('img').first();
  await expect(firstImage).toBeVisible();
  expect(await firstImage.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

  // GET /api/photos with the same token: 403 insufficient_scope, with Drive's challenge shown.
  await expect(results.getByText(`HTTP 403 from ${urls().drive}/api/photos`)).toBeVisible();
  await expect(results.getByText(/^WWW-Authenticate: Bearer .*error="insufficient_scope"/)).toBeVisible();
  await expect(results.getByText(/^WWW-Authenticate: Bearer .*scope="photos\.read"/)).toBeVisible();
  await expect(results.getByText('This refusal is the lesson.')).toBeVisible();
  // The token itself is never on the page.
  expect(await page.content()).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
});
