/**
 * Issue 18 item 5 against the three real services: the inspector's claims editor (a tampered claim, re-encoded and
 * sent to the real Drive, refused with its reason) and the request builder's presets (each answered by the real
 * auth server as RFC 6749 §4.1.2.1 says), then a correct hand-made request that completes.
 */
import { expect, test, type Page } from '@playwright/test';
import { connectAs, forgetConsent, PASSWORDS } from '../support/flow.js';
import { urls } from '../support/services.js';

/** No sideways scrolling on a phone or a projector: the long token and URL wrap. */
async function fitsEveryWidth(page: Page, name: string): Promise<void> {
  for (const width of [390, 1280]) {
    await page.setViewportSize({ width, height: 720 });
    const wide = await page.evaluate(() => ({ doc: document.documentElement.scrollWidth, view: window.innerWidth }));
    expect(wide.doc, `${name} at ${width} px: no wider than the viewport`).toBeLessThanOrEqual(wide.view);
  }
}

test.describe('Playground: claims editor', () => {
  test('tamper a claim, sign it with the demo key: Drive refuses with 401 invalid_token and the reason', async ({
    page,
  }) => {
    await connectAs(page, 'alice');
    await page.goto('/inspect');
    const claimsBox = page.getByLabel('Claims (JSON)');
    // The editor starts from the real access token of this session.
    const claims = JSON.parse(await claimsBox.inputValue()) as Record<string, unknown>;
    expect(claims.sub).toBe('alice');
    await claimsBox.fill(JSON.stringify({ ...claims, sub: 'bob', scope: 'photos.read photos.write' }, null, 2));
    await expect(page.getByText('not the auth server’s key')).toBeVisible();

    // The demo key under the auth server's kid: Drive finds that key, and the signature does not verify with it.
    await page.getByRole('radio', { name: /keeping the/ }).check();
    await page.getByRole('button', { name: 'Re-encode and send to Drive' }).click();
    const answer = page.locator('.drive-answer');
    await expect(answer).toHaveAttribute('data-drive-status', '401');
    await expect(answer.locator('[data-www-authenticate]')).toContainText('error="invalid_token"');
    await expect(answer.locator('[data-www-authenticate]')).toContainText('The token signature is not valid.');
    await expect(page.locator('#editor-result [data-signature]')).toHaveAttribute('data-signature', 'invalid');
    await fitsEveryWidth(page, 'the inspector with the editor’s result');

    // Under the demo key's own kid: no such key in the auth server's JWKS.
    await page.getByRole('radio', { name: /under the demo key’s own/ }).check();
    await page.getByRole('button', { name: 'Re-encode and send to Drive' }).click();
    await expect(answer.locator('[data-www-authenticate]')).toContainText(
      'a key the authorization server does not publish',
    );

    // Unsigned: alg none, refused before any key is looked at.
    await page.getByRole('radio', { name: /Unsigned/ }).check();
    await page.getByRole('button', { name: 'Re-encode and send to Drive' }).click();
    await expect(page.locator('[data-edited-token]')).toHaveText(/\.$/);
    await expect(answer.locator('[data-www-authenticate]')).toContainText(
      'an algorithm this resource server does not accept',
    );

    // Recorded like any Drive call: steps 7 and 8 in a flow of its own.
    await answer.getByRole('link', { name: 'the timeline' }).click();
    await expect(page.getByRole('heading', { name: /Claims editor: an edited token sent to Drive/ })).toBeVisible();
    await expect(page.locator('li.seq-row[data-step="8"]').first()).toContainText(/invalid_token/);
  });
});

test.describe('Playground: request builder', () => {
  test('the four mistakes, each answered as the RFC says, and a correct hand-made request that completes', async ({
    page,
  }) => {
    await page.goto('/request-builder');
    const shownUrl = page.locator('[data-built-url]');
    // The URL is rebuilt as the learner types (assets/request_builder.js).
    await page.getByLabel('scope', { exact: true }).fill('photos.read gallery.read');
    await expect(shownUrl).toContainText('scope=photos.read+gallery.read');
    await page.getByRole('row', { name: /state/ }).getByRole('checkbox', { name: 'send it' }).uncheck();
    await expect(shownUrl).not.toContainText('state=');
    await fitsEveryWidth(page, 'the request builder');

    // A wrong redirect_uri: the auth server shows its own error page and does NOT redirect (RFC 6749 §4.1.2.1).
    await page.getByRole('link', { name: 'A wrong redirect_uri' }).click();
    await expect(shownUrl).toContainText('redirect_uri=https%3A%2F%2Fevil.example%2Fcallback');
    await page.getByRole('button', { name: /^Send/ }).click();
    await expect(page).toHaveURL(new RegExp(`^${urls().auth}/authorize\\?`));
    await expect(page.getByRole('heading', { name: 'This request cannot be completed' })).toBeVisible();
    await expect(page.getByText('This redirect_uri is not registered for this application')).toBeVisible();
    // Not a dead end: Back, and the registered client's home page (never the unverified redirect_uri).
    await expect(page.getByText('Use your browser’s Back button')).toBeVisible();
    await expect(page.getByRole('link', { name: 'Go to Photo Printer’s home page' })).toHaveAttribute(
      'href',
      `${urls().printer}/`,
    );

    const mistakes = [
      { link: 'No code_challenge', code: 'invalid_request', said: 'code_challenge is required' },
      { link: 'An unknown scope', code: 'invalid_scope', said: 'photos.delete_everything' },
      { link: 'A wrong response_type', code: 'unsupported_response_type', said: 'authorization_code' },
    ];
    for (const m of mistakes) {
      await page.goto('/request-builder');
      await page.getByRole('link', { name: m.link }).click();
      await page.getByRole('button', { name: /^Send/ }).click();
      // Back at Photo Printer's redirect_uri with the error; the builder's state is accepted, so the error is believed.
      await expect(page).toHaveURL(new RegExp(`^${urls().printer}/callback\\?error=${m.code}&`));
      await expect(page.getByRole('heading', { name: 'The auth server refused your hand-made request' })).toBeVisible();
      await expect(page.locator('main')).toContainText(m.code);
      await expect(page.locator('main')).toContainText(m.said);
      await expect(page.getByRole('link', { name: 'Back to the request builder' })).toBeVisible();
    }

    // The timeline's flow list says how each ended, and the auth server's refusal is in the flow.
    await page.goto('/timeline');
    const flows = page.locator('ul.flow-list > li');
    await expect(flows.filter({ hasText: 'refused by the auth server: invalid_scope' })).toHaveCount(1);
    await expect(flows.filter({ hasText: 'stopped at the auth server’s error page' })).toHaveCount(1);
    await expect(flows.filter({ hasText: 'refused (Deny)' })).toHaveCount(0);
    await flows.filter({ hasText: 'invalid_scope' }).getByRole('link').click();
    await expect(page.locator('main')).toContainText('Authorization request refused: invalid_scope');
    await expect(page.locator('main')).not.toContainText('Auth server recorded nothing of this flow');

    // A correct request: Photo Printer made and kept its state and verifier, so the answer completes the flow.
    await forgetConsent(page, 'alice');
    await page.goto('/request-builder');
    await page.getByRole('button', { name: /^Send/ }).click();
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(PASSWORDS.alice);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Allow' }).click();
    await expect(page).toHaveURL(new RegExp(`^${urls().printer}/photos`));
  });
});
