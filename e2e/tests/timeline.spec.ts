/**
 * Issue 5 against the three real services: the behind-the-scenes timeline of a code flow (steps 1-8 in order, the
 * right lanes, the token request masked and revealed), step-through mode, and the token inspector.
 */
import { expect, test, type Page } from '@playwright/test';
import { connectAs, forgetConsent, signIn } from '../support/flow.js';
import { urls } from '../support/services.js';

interface Row {
  kind: string;
  from: string;
  to: string;
  step: string;
}

async function timelineRows(page: Page): Promise<Row[]> {
  return page.locator('li.seq-row').evaluateAll((items) =>
    items.map((li) => {
      const d = (li as HTMLElement).dataset;
      return { kind: d.kind ?? '', from: d.from ?? '', to: d.to ?? '', step: d.step ?? '' };
    }),
  );
}

test.describe('Behind the scenes', () => {
  test('after a code flow, the timeline lists steps 1-8 in order, in the right lanes; the token request is masked, instructor mode reveals', async ({
    page,
  }) => {
    await connectAs(page, 'alice');
    await page.waitForLoadState('load'); // every thumbnail fetched: one Drive call each
    const thumbnails = await page.locator('img[src*="/photos/"]').count();
    expect(thumbnails).toBeGreaterThan(1);
    await page.getByRole('link', { name: /Timeline: every exchange of this flow/ }).click();
    await expect(page).toHaveURL(new RegExp(`^${urls().printer}/timeline(\\?trace=[0-9a-f]{32})?$`));
    await expect(page.getByRole('heading', { name: /Import photos from Drive/ })).toBeVisible();
    const rows = await timelineRows(page);
    const first = (step: number) => rows.findIndex((r) => r.step === String(step));
    for (let step = 1; step <= 8; step++)
      expect(first(step), `step ${step} is on the timeline`).toBeGreaterThanOrEqual(0);
    for (let step = 2; step <= 8; step++)
      expect(first(step - 1), `step ${step - 1} before step ${step}`).toBeLessThan(first(step));
    const has = (step: number, from: string, to: string) =>
      rows.some((r) => r.step === String(step) && r.from === from && r.to === to);
    expect(has(1, 'browser', 'printer')).toBe(true);
    expect(has(2, 'browser', 'auth'), 'step 2: the authorization request reaches the auth server').toBe(true);
    expect(rows.some((r) => r.step === '3' && r.to === 'auth')).toBe(true);
    expect(has(4, 'auth', 'browser'), 'step 4: the redirect with the code').toBe(true);
    expect(has(4, 'browser', 'printer'), 'step 4: the code arrives at the redirect_uri').toBe(true);
    expect(has(5, 'printer', 'auth')).toBe(true);
    expect(has(6, 'auth', 'printer')).toBe(true);
    expect(has(7, 'printer', 'drive')).toBe(true);
    expect(has(8, 'drive', 'printer')).toBe(true);
    await expect(page.locator('[data-source="auth"]')).toHaveAttribute('data-state', 'ok');
    await expect(page.locator('[data-source="drive"]')).toHaveAttribute('data-state', 'ok');
    await expect(page.locator('li.seq-row[data-kind="response"][data-step="8"] .arrow').first()).toContainText(
      /token valid: sub=alice/,
    );
    // The thumbnail calls: the first is on the timeline, the others folded under it ("and N more like this").
    const folded = page.locator('details.repeats');
    await expect(folded).toHaveCount(1);
    await expect(folded).toHaveAttribute('data-repeats', String(thumbnails - 1));
    await expect(folded.locator('summary')).toContainText('GET /api/photos/:id/content');

    // Expand the token request: the form body, with the code_verifier and the client's Basic credentials masked.
    const tokenRequest = page.locator('li.seq-row[data-kind="request"][data-step="5"]').first();
    await tokenRequest.locator('summary').first().click();
    const raw = tokenRequest.locator('pre.raw').first();
    await expect(raw).toContainText('grant_type=authorization_code');
    await expect(raw).toContainText(/code_verifier=[^&\s]*masked/);
    await expect(raw).toContainText(/authorization: Basic \S+…\(\d+ chars, masked\)/i);
    expect(await raw.innerText()).not.toMatch(/code_verifier=[A-Za-z0-9_-]{43}(&|$|\s)/);

    // Instructor mode: the same request, revealed (the auth server's copy, asked with the printer's credentials).
    await page.getByRole('button', { name: 'Turn instructor mode on' }).click();
    await expect(page.locator('body')).toHaveClass(/instructor/);
    const revealed = page.locator('li.seq-row[data-kind="request"][data-step="5"]').first();
    await revealed.locator('summary').first().click();
    await expect(revealed.locator('pre.raw').first()).toContainText(/code_verifier=[A-Za-z0-9_-]{43}/);
    await expect(page.getByText(/Drive’s stay masked/)).toBeVisible();
    await page.getByRole('button', { name: 'Turn instructor mode off' }).click();
  });

  test('a later visit to the photos page is a flow of its own on the timeline: steps 7-8, Drive verifying the token', async ({
    page,
  }) => {
    await connectAs(page, 'alice');
    await page.waitForLoadState('load');
    const importRows = async () => {
      await page.goto('/timeline');
      await page
        .getByRole('link', { name: /Import photos from Drive/ })
        .first()
        .click();
      return (await timelineRows(page)).filter((r) => r.kind === 'request' && r.from === 'printer' && r.to === 'drive');
    };
    const before = (await importRows()).length;
    await page.goto('/photos');
    await page.waitForLoadState('load'); // its thumbnails, in its flow
    await page.goto('/timeline');
    await expect(page.getByRole('heading', { name: /Your photos 1/ })).toBeVisible();
    await expect(page.getByText('Your photos with the token Photo Printer holds').first()).toBeVisible();
    const rows = await timelineRows(page);
    expect(new Set(rows.map((r) => r.step).filter((n) => n !== ''))).toEqual(new Set(['7', '8']));
    expect(rows.some((r) => r.step === '7' && r.from === 'printer' && r.to === 'drive')).toBe(true);
    await expect(page.locator('[data-source="drive"]')).toHaveAttribute('data-state', 'ok');
    await expect(page.locator('li.seq-row[data-kind="response"][data-step="8"] .arrow').first()).toContainText(
      /token valid: sub=alice/,
    );
    // The import's flow did not take the visit in.
    expect((await importRows()).length).toBe(before);
  });

  test('step-through mode stops before each hop, explains it, and Continue proceeds', async ({ page }) => {
    await forgetConsent(page, 'alice');
    await page.goto('/');
    await page.getByRole('button', { name: 'Turn step-through mode on' }).click();
    await page.getByRole('button', { name: 'Import photos from Drive' }).click();

    await expect(page).toHaveURL(`${urls().printer}/step`);
    await expect(
      page.getByRole('heading', { name: /Step 2: Photo Printer is about to send your browser/ }),
    ).toBeVisible();
    for (const name of [
      'response_type',
      'client_id',
      'redirect_uri',
      'scope',
      'state',
      'code_challenge',
      'code_challenge_method',
    ]) {
      await expect(page.locator(`tr[data-param="${name}"]`)).toBeVisible();
    }
    await page.getByRole('button', { name: 'Continue' }).click();

    await signIn(page, 'alice');
    await page.getByRole('button', { name: 'Allow' }).click();

    await expect(page).toHaveURL(`${urls().printer}/step`);
    await expect(page.getByRole('heading', { name: /Step 4: your browser has just come back/ })).toBeVisible();
    for (const name of ['code', 'state', 'iss']) await expect(page.locator(`tr[data-param="${name}"]`)).toBeVisible();
    await page.getByRole('button', { name: 'Continue' }).click();

    await expect(
      page.getByRole('heading', { name: /Step 5: Photo Printer is about to call the token endpoint/ }),
    ).toBeVisible();
    for (const name of ['grant_type', 'code', 'redirect_uri', 'code_verifier', 'Authorization'])
      await expect(page.locator(`tr[data-param="${name}"]`)).toBeVisible();
    // While the code lives, every pause says how long it has left: counted from the lifetime the auth server
    // publishes in its metadata (demo_authorization_code_lifetime), so no "about".
    await expect(page.getByText(/The code has \d+ s left/)).toBeVisible();
    await expect(page.getByText(/codes live \d+ s at this auth server, as its metadata says/)).toBeVisible();
    await page.getByRole('button', { name: 'Continue' }).click();

    // Step 6: the token response, before Photo Printer keeps it; step 7: the Drive call, before it is made.
    await expect(
      page.getByRole('heading', { name: /Step 6: the authorization server has just issued the tokens/ }),
    ).toBeVisible();
    for (const name of ['access_token', 'token_type', 'expires_in', 'scope'])
      await expect(page.locator(`tr[data-param="${name}"]`)).toBeVisible();
    await page.getByRole('button', { name: 'Continue' }).click();
    await expect(page.getByRole('heading', { name: /Step 7: Photo Printer is about to call Drive/ })).toBeVisible();
    await expect(page.locator('tr[data-param="Authorization"]')).toContainText('Bearer');
    await page.getByRole('button', { name: 'Continue' }).click();

    await expect(page).toHaveURL(`${urls().printer}/photos`);
    await expect(page.getByRole('heading', { name: /alice's photos/ })).toBeVisible();
    await page.getByRole('button', { name: 'Turn step-through mode off' }).click();
  });

  test('the inspector verifies the real access token against the JWKS, and calls a tampered one invalid', async ({
    page,
  }) => {
    await connectAs(page, 'alice');
    await page.goto('/inspect');
    const access = page.locator('article[data-kind="access_token"]').first();
    await expect(access.locator('[data-signature]')).toHaveAttribute('data-signature', 'valid');
    await expect(access).toContainText(/algorithm ES256/);
    await expect(access).toContainText(/Expires in \d+ s/);
    await expect(page.locator('article[data-kind="refresh_token"]').first()).toContainText(
      /Only the auth server can tell what it means/,
    );
    await expect(page.locator('article[data-kind="authorization_code"]').first()).toBeVisible();

    await page.getByRole('button', { name: 'Turn instructor mode on' }).click();
    const token = (await page.locator('article[data-kind="access_token"] pre.raw').first().innerText()).trim();
    expect(token).toMatch(/^eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+$/);

    await page.getByLabel('Token to verify').fill(token);
    await page.getByRole('button', { name: 'Verify the signature' }).click();
    await expect(page.locator('#pasted-result [data-signature]')).toHaveAttribute('data-signature', 'valid');

    const [header, payload, signature] = token.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as Record<string, unknown>;
    const tampered = `${header}.${Buffer.from(JSON.stringify({ ...claims, sub: 'bob' })).toString('base64url')}.${signature}`;
    await page.getByLabel('Token to verify').fill(tampered);
    await page.getByRole('button', { name: 'Verify the signature' }).click();
    await expect(page.locator('#pasted-result [data-signature]')).toHaveAttribute('data-signature', 'invalid');
    await expect(page.locator('#pasted-result')).toContainText('Signature invalid');
    await page.getByRole('button', { name: 'Turn instructor mode off' }).click();
  });
});
