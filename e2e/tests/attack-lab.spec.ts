/**
 * The attack lab (issue 16): each scenario is run by Mallory's site (apps/attacker) against the real services, with
 * the learner's browser as the victim. Every scenario is run with its defense OFF (the attack must work) and ON
 * (it must fail), and each test checks that the real printer was not touched.
 */
import { expect, type Page, test } from '@playwright/test';
import { PASSWORDS } from '../support/flow.js';
import { urls } from '../support/services.js';

const side = (page: Page, which: 'on' | 'off') => page.locator(`#results td[data-side="${which}"]`);

async function openScenario(page: Page, title: string) {
  await page.goto('/');
  await page
    .getByRole('link', { name: /Attack lab/ })
    .first()
    .click();
  await expect(page).toHaveURL(`${urls().printer}/lab`);
  await page.getByRole('link', { name: title }).click();
  await expect(page.locator('#gain')).toContainText('What Mallory gains:');
}

async function switchDefense(page: Page, to: 'on' | 'off') {
  await page.getByRole('button', { name: `Switch the defense ${to}` }).click();
  await expect(page.locator('#defense-state')).toHaveText(to.toUpperCase());
}

/** The victim signs in at the auth server (when asked) and allows (when asked). */
async function signInAndAllow(page: Page, user: keyof typeof PASSWORDS) {
  await expect(page).toHaveURL(new RegExp(`^(${urls().auth}|${urls().printer}/lab/)`));
  if (page.url().startsWith(urls().auth) && (await page.getByLabel('Password').isVisible())) {
    await page.getByLabel('Username').fill(user);
    await page.getByLabel('Password').fill(PASSWORDS[user]);
    await page.getByRole('button', { name: 'Sign in' }).click();
  }
  const allow = page.getByRole('button', { name: 'Allow' });
  if (page.url().startsWith(urls().auth) && (await allow.isVisible())) await allow.click();
}

/** This learner's run id on Mallory's site, from the link on a scenario page. */
async function labRun(page: Page): Promise<string> {
  const href = await page.getByRole('link', { name: 'what Mallory got in your runs' }).getAttribute('href');
  return href!.split('/loot/')[1]!;
}

/**
 * The scenarios leave alice with grants to the lab copies and the kiosk (and signed in at the auth server). Later
 * spec files expect a clean slate: remove every app she allowed, as she would on the Connected apps page.
 */
test.afterAll(async ({ browser }) => {
  const page = await browser.newPage();
  await page.goto(`${urls().auth}/apps`);
  await page.getByLabel('Username').fill('alice');
  await page.getByLabel('Password').fill(PASSWORDS.alice);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByRole('heading', { name: 'Connected apps' })).toBeVisible();
  const remove = page.getByRole('button', { name: /^Remove / });
  for (let left = await remove.count(); left > 0; left--) {
    await remove.first().click();
    await expect(page.getByText(/Removed\./)).toBeVisible();
    await expect(remove).toHaveCount(left - 1);
  }
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.close();
});

/** The real printer knows nothing of the lab: its home page still offers to connect. */
async function realPrinterUntouched(page: Page) {
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Import photos from Drive' })).toBeVisible();
}

test('1 CSRF on the callback: without state Mallory connects your lab printer to her Drive; with state the answer is refused', async ({
  page,
}) => {
  await openScenario(page, 'CSRF on the callback: no state');
  await expect(page.locator('#defense-state')).toHaveText('ON');

  // Defense on: Mallory's page sends the browser to the lab callback with her code and no state: refused.
  await page.getByRole('button', { name: 'Run the attack' }).click();
  await expect(page).toHaveURL(new RegExp(`^${urls().attacker}/csrf/`));
  await expect(page.getByRole('heading', { name: 'Loading your free filters…' })).toBeVisible();
  await expect(page).toHaveURL(`${urls().printer}/lab/csrf#results`, { timeout: 15_000 });
  await expect(side(page, 'on')).toContainText('The attack failed.');
  await expect(side(page, 'on')).toContainText('the answer has no state');
  await expect(side(page, 'off')).toContainText('Not run yet');

  // Defense off: the same link now connects the lab copy to Mallory's account.
  await switchDefense(page, 'off');
  await page.getByRole('button', { name: 'Run the attack' }).click();
  await expect(page).toHaveURL(`${urls().printer}/lab/csrf#results`, { timeout: 15_000 });
  await expect(side(page, 'off')).toContainText('The attack worked.');
  await expect(side(page, 'off')).toContainText('the Drive account of “mallory”');
  await expect(side(page, 'on')).toContainText('The attack failed.');

  // Mallory's own page records what she did, for this run only.
  await page.getByRole('link', { name: 'what Mallory got in your runs' }).click();
  await expect(page).toHaveURL(new RegExp(`^${urls().attacker}/loot/`));
  await expect(page.locator('li[data-scenario="csrf"]').first()).toContainText('code for her own Drive account');

  await realPrinterUntouched(page);
});

test('2 code interception: without PKCE Mallory redeems the leaked code and reads your photos; with PKCE: invalid_grant', async ({
  page,
}) => {
  await openScenario(page, 'Code interception: no PKCE');

  // Defense off: no code_challenge in the lab copy's request.
  await switchDefense(page, 'off');
  let authorize = page.waitForRequest((r) => r.url().startsWith(`${urls().auth}/authorize?`));
  await page.getByRole('button', { name: 'Run the attack' }).click();
  expect(new URL((await authorize).url()).searchParams.has('code_challenge')).toBe(false);
  await signInAndAllow(page, 'alice');
  await expect(page).toHaveURL(new RegExp(`^${urls().printer}/lab/callback\\?`));
  await expect(page.getByRole('heading', { name: 'Almost done!' })).toBeVisible();
  // Mallory's ad has loaded: its request carried the code in the Referer, and she answered only after trying it.
  await page.waitForLoadState('load');
  await page.getByRole('button', { name: 'Finish the import' }).click();
  await expect(page).toHaveURL(`${urls().printer}/lab/pkce#results`);
  await expect(side(page, 'off')).toContainText('The attack worked.');
  await expect(side(page, 'off')).toContainText('alice’s 8 photos');
  await expect(side(page, 'off')).toContainText('Your own import failed (invalid_grant)');
  // Her site reports without her name; the lab names her once.
  await expect(side(page, 'off')).toContainText('Mallory: She redeemed the stolen code');
  await expect(side(page, 'off')).not.toContainText(/Mallory:\s*Mallory/);

  // Defense on: the same leak, but Mallory has no code_verifier.
  await switchDefense(page, 'on');
  authorize = page.waitForRequest((r) => r.url().startsWith(`${urls().auth}/authorize?`));
  await page.getByRole('button', { name: 'Run the attack' }).click();
  expect(new URL((await authorize).url()).searchParams.get('code_challenge_method')).toBe('S256');
  await signInAndAllow(page, 'alice');
  await expect(page.getByRole('heading', { name: 'Almost done!' })).toBeVisible();
  await page.waitForLoadState('load');
  await page.getByRole('button', { name: 'Finish the import' }).click();
  await expect(page).toHaveURL(`${urls().printer}/lab/pkce#results`);
  await expect(side(page, 'on')).toContainText('The attack failed.');
  await expect(side(page, 'on')).toContainText('invalid_grant');
  await expect(side(page, 'on')).toContainText('Mallory: The auth server refused the stolen code');
  // Her failed attempt did not spend the code: the victim's own import still works.
  await expect(side(page, 'on')).toContainText('Your import worked: alice’s 8 photos.');
  await expect(side(page, 'off')).toContainText('The attack worked.');

  await realPrinterUntouched(page);
});

test('3 loose redirect_uri matching: by prefix the code goes to Mallory’s site; exact matching shows an error page and redirects nowhere', async ({
  page,
}) => {
  await openScenario(page, 'Loose redirect_uri matching');

  // Defense off: Mallory's link goes to the auth server's lab endpoint that compares by prefix.
  await switchDefense(page, 'off');
  await page.getByRole('button', { name: 'Run the attack' }).click();
  await expect(page).toHaveURL(new RegExp(`^${urls().attacker}/redirect/`));
  await page.getByRole('link', { name: 'Sign in with Photo Printer' }).click();
  await signInAndAllow(page, 'alice');
  // The code went through the printer's careless redirect to Mallory's site.
  await expect(page).toHaveURL(new RegExp(`^${urls().attacker}/catch/`));
  await expect(page.getByRole('heading', { name: 'Your filters are ready!' })).toBeVisible();
  await page.getByRole('link', { name: 'attack lab' }).click();
  await page.getByRole('button', { name: 'What did Mallory get?' }).click();
  await expect(side(page, 'off')).toContainText('The attack worked.');
  await expect(side(page, 'off')).toContainText('alice’s 8 photos');

  // Defense on: the same link at the real endpoint: an error page on the auth server, no redirect anywhere.
  await switchDefense(page, 'on');
  await page.getByRole('button', { name: 'Run the attack' }).click();
  const answer = page.waitForResponse((r) => r.url().startsWith(`${urls().auth}/authorize?`));
  await page.getByRole('link', { name: 'Sign in with Photo Printer' }).click();
  const refused = await answer;
  expect(refused.status()).toBe(400);
  expect(refused.headers().location).toBeUndefined();
  await expect(page.getByText('This redirect_uri is not registered for this application')).toBeVisible();
  await page.goto('/lab/redirect');
  await page.getByRole('button', { name: 'What did Mallory get?' }).click();
  await expect(side(page, 'on')).toContainText('The attack failed.');
  await expect(side(page, 'on')).toContainText('Mallory got nothing.');
  await expect(side(page, 'off')).toContainText('The attack worked.');

  await realPrinterUntouched(page);
});

test('4 mix-up: without the iss check the printer sends the real code to Evil AS; with it the answer is refused', async ({
  page,
}) => {
  await openScenario(page, 'Mix-up: no iss check');

  // Defense off. The request goes to Evil AS (Mallory's site), which passes it on to the real auth server.
  await switchDefense(page, 'off');
  const viaEvil = page.waitForRequest((r) => r.url().startsWith(`${urls().attacker}/evil-as/authorize?`));
  await page.getByRole('button', { name: 'Run the attack' }).click();
  const evilRequest = new URL((await viaEvil).url());
  expect(evilRequest.searchParams.get('code_challenge_method')).toBe('S256');
  await signInAndAllow(page, 'alice');
  await expect(page).toHaveURL(`${urls().printer}/lab/mixup#results`);
  await expect(side(page, 'off')).toContainText('The attack worked.');
  await expect(side(page, 'off')).toContainText('alice’s 8 photos');
  await expect(side(page, 'off')).toContainText('The printer sent her the code and its code_verifier.');

  // Defense on: the answer's iss is the real server, the request went to Evil AS: refused.
  await switchDefense(page, 'on');
  await page.getByRole('button', { name: 'Run the attack' }).click();
  await signInAndAllow(page, 'alice');
  await expect(page).toHaveURL(`${urls().printer}/lab/mixup#results`);
  await expect(side(page, 'on')).toContainText('The attack failed.');
  await expect(side(page, 'on')).toContainText(`the answer says it comes from “${urls().auth}”`);
  await expect(side(page, 'off')).toContainText('The attack worked.');

  // The timeline of this run has a fifth lane, Mallory, with the printer's exchanges with her site.
  const run = await labRun(page);
  await page.goto('/timeline');
  await expect(page.locator('.seq-head .lane.mallory')).toContainText('Mallory');
  await expect(page.locator('li.seq-row[data-to="mallory"]').first()).toBeVisible();
  await expect(page.getByText('Step 2, to the server you picked: Evil AS (Mallory’s)').first()).toBeVisible();

  // Mallory's page: only what the defense-off run gave her.
  await page.goto(`${urls().attacker}/loot/${run}`);
  await expect(page.locator('li.got[data-scenario="mixup"]')).toHaveCount(1);

  await realPrinterUntouched(page);
});

test('7 refresh token theft: without rotation Mallory keeps access; with rotation the reuse revokes the family and the printer says why', async ({
  page,
}) => {
  await openScenario(page, 'Refresh token theft');

  // Defense off: the lab copy and Mallory both refresh at the auth server's lab endpoint that does not rotate.
  await switchDefense(page, 'off');
  await page.getByRole('button', { name: 'Run the attack' }).click();
  await signInAndAllow(page, 'alice');
  await expect(page.getByRole('heading', { name: 'Connected, and robbed' })).toBeVisible();
  await expect(page.locator('#theft')).toContainText('alice’s 8 photos');
  await expect(page.locator('#theft')).toContainText('no rotation');
  await page.getByRole('button', { name: /Let the printer refresh/ }).click();
  await expect(page).toHaveURL(`${urls().printer}/lab/refresh#results`);
  await expect(side(page, 'off')).toContainText('The attack worked.');
  await expect(side(page, 'off')).toContainText('Mallory still has access.');
  await expect(side(page, 'off')).toContainText('Your printer refreshed');

  // Defense on: the real token endpoint rotates. Mallory's first use works; the printer's refresh with the
  // retired token revokes the family; Mallory's next try fails.
  await switchDefense(page, 'on');
  await page.getByRole('button', { name: 'Run the attack' }).click();
  await signInAndAllow(page, 'alice');
  await expect(page.locator('#theft')).toContainText('got a new refresh token: rotation');
  await page.getByRole('button', { name: /Let the printer refresh/ }).click();
  await expect(page).toHaveURL(`${urls().printer}/lab/refresh#results`);
  await expect(side(page, 'on')).toContainText('The attack failed.');
  await expect(side(page, 'on')).toContainText('Mallory lost access.');
  await expect(side(page, 'on')).toContainText('invalid_grant');
  await expect(side(page, 'on')).toContainText('Your printer must connect again');
  await expect(side(page, 'off')).toContainText('The attack worked.');

  await realPrinterUntouched(page);
});

/** Wait until Mallory's site has a final (not pending) entry for this scenario, newer than `since` entries. */
async function waitForMallory(page: Page, run: string, scenario: string, count: number) {
  await expect
    .poll(
      async () => {
        const body = (await (await page.request.get(`${urls().attacker}/api/loot/${run}`)).json()) as {
          loot: { scenario: string; pending?: boolean }[];
        };
        return body.loot.filter((l) => l.scenario === scenario && !l.pending).length;
      },
      { timeout: 30_000 },
    )
    .toBeGreaterThanOrEqual(count);
}

test('6 implicit leakage: a third-party script reads the token from the fragment; with code + PKCE it finds only a useless code', async ({
  page,
}) => {
  await openScenario(page, 'Implicit flow leakage');
  const run = await labRun(page);

  // Defense off: response_type=token.
  await switchDefense(page, 'off');
  let authorize = page.waitForRequest((r) => r.url().startsWith(`${urls().auth}/authorize?`));
  await page.getByRole('button', { name: 'Run the attack' }).click();
  expect(new URL((await authorize).url()).searchParams.get('response_type')).toBe('token');
  await signInAndAllow(page, 'alice');
  await expect(page).toHaveURL(new RegExp(`^${urls().printer}/lab/implicit-callback#access_token=`));
  await waitForMallory(page, run, 'implicit', 1);
  await page.getByRole('link', { name: /Back to the attack lab/ }).click();
  await page.getByRole('button', { name: 'What did Mallory get?' }).click();
  await expect(side(page, 'off')).toContainText('The attack worked.');
  await expect(side(page, 'off')).toContainText('read the access token from the address');
  await expect(side(page, 'off')).toContainText('alice’s 8 photos');

  // Defense on: code + PKCE; the widget sees only a code.
  await switchDefense(page, 'on');
  authorize = page.waitForRequest((r) => r.url().startsWith(`${urls().auth}/authorize?`));
  await page.getByRole('button', { name: 'Run the attack' }).click();
  const request = new URL((await authorize).url());
  expect(request.searchParams.get('response_type')).toBe('code');
  expect(request.searchParams.get('code_challenge_method')).toBe('S256');
  await signInAndAllow(page, 'alice');
  await expect(page).toHaveURL(new RegExp(`^${urls().printer}/lab/implicit-callback\\?code=`));
  await waitForMallory(page, run, 'implicit', 2);
  await page.getByRole('link', { name: /Back to the attack lab/ }).click();
  await page.getByRole('button', { name: 'What did Mallory get?' }).click();
  await expect(side(page, 'on')).toContainText('The attack failed.');
  await expect(side(page, 'on')).toContainText('invalid_grant');
  await expect(side(page, 'off')).toContainText('The attack worked.');

  await realPrinterUntouched(page);
});

test('8 device code phishing (no switch): approving Mallory’s code gives her kiosk your photos; the approval page warns; Deny leaves her nothing', async ({
  page,
}) => {
  await openScenario(page, 'Device code phishing');
  const run = await labRun(page);
  await expect(page.getByRole('heading', { name: 'No switch' })).toBeVisible();
  await expect(page.getByRole('button', { name: /Switch the defense/ })).toHaveCount(0);

  for (const decision of ['Allow', 'Deny'] as const) {
    await page.getByRole('button', { name: 'Run the attack' }).click();
    await expect(page).toHaveURL(new RegExp(`^${urls().attacker}/kiosk/`));
    const code = (await page.locator('#user-code').innerText()).trim();
    await page.locator('#verification').click();
    await expect(page).toHaveURL(`${urls().auth}/device`);
    await page.getByLabel('Code', { exact: true }).fill(code);
    await page.getByRole('button', { name: 'Continue' }).click();
    if (await page.getByLabel('Password').isVisible()) {
      await page.getByLabel('Username').fill('alice');
      await page.getByLabel('Password').fill(PASSWORDS.alice);
      await page.getByRole('button', { name: 'Sign in' }).click();
    }
    // The defense: the approval page's warning, naming the code.
    await expect(
      page.getByText('Someone could send you a code from far away to get your photos on their device.'),
    ).toBeVisible();
    await expect(page.getByText(code).first()).toBeVisible();
    await page.getByRole('button', { name: decision, exact: true }).click();
    await expect(
      page.getByRole('heading', { name: decision === 'Allow' ? 'Device connected' : 'Device refused' }),
    ).toBeVisible();
    await waitForMallory(page, run, 'device', decision === 'Allow' ? 1 : 2);
    await page.goto('/lab/device');
    await page.getByRole('button', { name: 'What did Mallory get?' }).click();
    if (decision === 'Allow') {
      await expect(side(page, 'on')).toContainText('The attack worked.');
      await expect(side(page, 'on')).toContainText('alice’s 8 photos');
    } else {
      await expect(side(page, 'on')).toContainText('The attack failed.');
      await expect(side(page, 'on')).toContainText('access_denied');
    }
  }

  await realPrinterUntouched(page);
});

test('5 token for the wrong audience: without Drive’s aud check the filters API’s token opens your photos; with it: 401 invalid_token', async ({
  page,
}) => {
  await openScenario(page, 'A token for the wrong audience');

  // Defense off: Mallory replays at Drive's lab copy that believes any audience.
  await switchDefense(page, 'off');
  await page.getByRole('button', { name: 'Run the attack' }).click();
  await signInAndAllow(page, 'alice');
  await expect(page).toHaveURL(`${urls().printer}/lab/audience#results`);
  await expect(side(page, 'off')).toContainText('The attack worked.');
  await expect(side(page, 'off')).toContainText('read alice’s 8 photos');
  await expect(side(page, 'off')).toContainText('Her API received a token made for it');

  // Defense on: the real Drive API refuses a token whose aud is not Drive.
  await switchDefense(page, 'on');
  await page.getByRole('button', { name: 'Run the attack' }).click();
  await signInAndAllow(page, 'alice');
  await expect(page).toHaveURL(`${urls().printer}/lab/audience#results`);
  await expect(side(page, 'on')).toContainText('The attack failed.');
  await expect(side(page, 'on')).toContainText('HTTP 401 invalid_token');
  await expect(side(page, 'on')).toContainText('"aud" claim');
  await expect(side(page, 'off')).toContainText('The attack worked.');

  await realPrinterUntouched(page);
});
