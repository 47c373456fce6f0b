/**
 * The request builder (issue 18 item 5): step 2 by hand. Unit tests of its framework-free part (the fields, the
 * presets, the URL), then HTTP tests against createApp with a stub auth server: the form is prefilled with a correct
 * request, Send goes to the authorization endpoint with exactly the ticked parameters, the builder's own state is
 * accepted at the callback (a correct request completes; the verifier that hashes to the challenge goes to the token
 * endpoint), an error answer is explained and leads back to the builder, a typed state is refused with the reason.
 */
import assert from 'node:assert/strict';
import { after, beforeEach, describe, it } from 'node:test';
import { calculateCodeChallenge } from '@oauth-demo/tokens';
import {
  BUILDER_PARAMS,
  PRESETS,
  buildRequestUrl,
  correctFields,
  fieldsFromForm,
  findPreset,
} from '../src/oauth/request_builder.js';
import { authorizationRequestKey } from '@oauth-demo/teaching';
import { Browser, CLIENT_ID, REDIRECT_URI, startStubStack, TEST_TRACE_SECRET } from './helpers.js';

const client = {
  clientId: 'photo-printer',
  clientSecret: 's',
  redirectUri: 'http://p.test/callback',
  scope: 'photos.read',
};
const pending = { state: 'state-123', code_verifier: 'v'.repeat(43), createdAt: 0 };

describe('request builder (framework-free)', () => {
  it('starts from a correct request: every parameter of RFC 6749 §4.1.1 and RFC 7636 §4.3, S256 of the verifier', () => {
    const fields = correctFields(client as never, pending);
    const url = new URL(buildRequestUrl('http://auth.test/authorize?tenant=1', fields));
    assert.equal(url.origin + url.pathname, 'http://auth.test/authorize');
    assert.deepEqual(
      [...url.searchParams.keys()],
      ['tenant', ...BUILDER_PARAMS],
      'the endpoint’s own query kept (RFC 6749 §3.1)',
    );
    assert.equal(url.searchParams.get('response_type'), 'code');
    assert.equal(url.searchParams.get('redirect_uri'), client.redirectUri);
    assert.equal(url.searchParams.get('code_challenge'), calculateCodeChallenge(pending.code_verifier));
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
  });

  it('each preset makes exactly its mistake', () => {
    const correct = correctFields(client as never, pending);
    const made = (id: string) =>
      new URL(buildRequestUrl('http://auth.test/authorize', findPreset(id)!.apply(correct))).searchParams;
    assert.equal(made('wrong-redirect-uri').get('redirect_uri'), 'https://evil.example/callback');
    assert.equal(made('missing-code-challenge').has('code_challenge'), false);
    assert.equal(made('missing-code-challenge').has('code_challenge_method'), false);
    assert.match(made('unknown-scope').get('scope') ?? '', /^photos\.read photos\.delete_everything$/);
    assert.equal(made('wrong-response-type').get('response_type'), 'authorization_code');
    assert.equal(
      made('correct').toString(),
      new URL(buildRequestUrl('http://auth.test/authorize', correct)).searchParams.toString(),
    );
    assert.equal(PRESETS.length, 5);
    assert.equal(findPreset('nope'), undefined);
  });

  it('reads the form: a parameter is sent only when ticked, an empty one is sent empty, values are bounded', () => {
    const fields = fieldsFromForm({
      response_type: 'code',
      response_type__include: 'on',
      scope: '',
      scope__include: 'on',
      state: 'x'.repeat(2000),
      state__include: 'on',
      code_challenge: 'abc',
    });
    const params = new URL(buildRequestUrl('http://auth.test/authorize', fields)).searchParams;
    assert.deepEqual([...params.keys()], ['response_type', 'scope', 'state']);
    assert.equal(params.get('scope'), '');
    assert.equal(params.get('state')?.length, 500);
    assert.equal(fieldsFromForm(undefined).client_id.include, false);
  });
});

const stack = await startStubStack();
const { auth, printer } = stack;
after(() => stack.stop());
beforeEach(() => stack.reset());

/** The form's fields as the page shows them (value and tick), ready to post back. */
function formOf(html: string): Record<string, string> {
  const form: Record<string, string> = {};
  for (const name of BUILDER_PARAMS) {
    const row = new RegExp(`<tr data-param="${name}">([\\s\\S]*?)</tr>`).exec(html)?.[1] ?? '';
    form[name] = (/<input id="param-[a-z_]+" name="[a-z_]+" value="([^"]*)"/.exec(row)?.[1] ?? '').replaceAll(
      '&#34;',
      '"',
    );
    if (/__include" checked/.test(row)) form[`${name}__include`] = 'on';
  }
  return form;
}

async function openBuilder(browser: Browser, preset?: string) {
  const page = await browser.get(`/request-builder${preset ? `?preset=${preset}` : ''}`);
  assert.equal(page.status, 200);
  return { page, form: formOf(page.text), csrf: Browser.csrf(page) };
}

describe('GET /request-builder', () => {
  it('prefills a correct request for this client and shows its URL', async () => {
    const { page, form } = await openBuilder(new Browser(printer.base));
    assert.equal(form.response_type, 'code');
    assert.equal(form.client_id, CLIENT_ID);
    assert.equal(form.redirect_uri, REDIRECT_URI);
    assert.match(form.state ?? '', /^[A-Za-z0-9_-]{43}$/);
    assert.match(form.code_challenge ?? '', /^[A-Za-z0-9_-]{43}$/);
    const shown = new URL((/data-built-url[^>]*>([^<]*)</.exec(page.text)?.[1] ?? '').replaceAll('&amp;', '&'));
    assert.equal(shown.origin + shown.pathname, `${auth.publicUrl}/authorize`);
    assert.equal(shown.searchParams.get('state'), form.state);
    assert.match(page.text, /<script src="\/assets\/printer\/request_builder.js"><\/script>/);
    for (const p of PRESETS) assert.match(page.text, new RegExp(`data-preset="${p.id}"`));
  });

  it('keeps the same state on reload, and applies a preset', async () => {
    const browser = new Browser(printer.base);
    const first = await openBuilder(browser);
    const missing = await openBuilder(browser, 'missing-code-challenge');
    assert.equal(missing.form.state, first.form.state);
    assert.equal(missing.form.code_challenge__include, undefined, 'unticked');
    assert.match(missing.page.text, /error=invalid_request/);
  });
});

describe('POST /request-builder', () => {
  it('sends the browser to the authorization endpoint with exactly the ticked parameters (303)', async () => {
    const browser = new Browser(printer.base);
    const { form, csrf } = await openBuilder(browser, 'missing-code-challenge');
    const sent = await browser.post('/request-builder', { csrf, ...form });
    assert.equal(sent.status, 303);
    const url = new URL(sent.location ?? '');
    assert.equal(url.origin + url.pathname, `${auth.publicUrl}/authorize`);
    assert.deepEqual([...url.searchParams.keys()], ['response_type', 'client_id', 'redirect_uri', 'scope', 'state']);
  });

  it('a correct request completes: the builder’s state is accepted and its verifier redeems the code', async () => {
    const browser = new Browser(printer.base);
    const { form, csrf } = await openBuilder(browser);
    const sent = new URL(
      (await browser.post('/request-builder', { csrf, ...form, scope: 'photos.read' })).location ?? '',
    );
    const callback = await browser.get(
      `/callback?${new URLSearchParams({ code: 'code-1', state: sent.searchParams.get('state') ?? '', iss: auth.publicUrl })}`,
    );
    assert.equal(callback.status, 303, callback.text.slice(0, 300));
    assert.equal(auth.tokenRequests.length, 1);
    const verifier = auth.tokenRequests[0]!.form.get('code_verifier') ?? '';
    assert.equal(calculateCodeChallenge(verifier), sent.searchParams.get('code_challenge'), 'the kept verifier');
    const photos = await browser.get(callback.location ?? '');
    assert.match(photos.text, /Photo Printer asked for <code>photos\.read<\/code>/, 'the hand-made request’s scope');
    // Used once: the builder makes a new state for its next request.
    assert.notEqual((await openBuilder(browser)).form.state, form.state);
  });

  it('an error answer is the auth server’s, explained, with the way back to the builder', async () => {
    const browser = new Browser(printer.base);
    const { form, csrf } = await openBuilder(browser, 'unknown-scope');
    const sent = new URL((await browser.post('/request-builder', { csrf, ...form })).location ?? '');
    const callback = await browser.get(
      `/callback?${new URLSearchParams({
        error: 'invalid_scope',
        error_description: 'Scope not available to this client: photos.delete_everything.',
        state: sent.searchParams.get('state') ?? '',
        iss: auth.publicUrl,
      })}`,
    );
    assert.equal(callback.status, 400, 'refused, not a bad gateway: the auth server answered correctly');
    assert.match(callback.text, /The auth server refused your hand-made request/);
    assert.match(callback.text, /invalid_scope/);
    assert.match(callback.text, /photos\.delete_everything/);
    assert.match(callback.text, /href="\/request-builder"/);
    assert.equal(auth.tokenRequests.length, 0);
  });

  it('a state typed by hand: the answer is refused, and the page says it is the one you typed', async () => {
    const browser = new Browser(printer.base);
    const { form, csrf } = await openBuilder(browser);
    const sent = await browser.post('/request-builder', { csrf, ...form, state: 'my-own-state' });
    assert.equal(new URL(sent.location ?? '').searchParams.get('state'), 'my-own-state');
    const callback = await browser.get(
      `/callback?${new URLSearchParams({ code: 'code-1', state: 'my-own-state', iss: auth.publicUrl })}`,
    );
    assert.equal(callback.status, 400);
    assert.match(callback.text, /the one you typed into the request builder/);
    assert.equal(auth.tokenRequests.length, 0, 'no token request');
  });

  it('refuses a post without the CSRF token, and sends nobody anywhere', async () => {
    const browser = new Browser(printer.base);
    const { form } = await openBuilder(browser);
    const res = await browser.post('/request-builder', form);
    assert.equal(res.status, 403);
    assert.equal(res.location, null);
  });
});

describe('the timeline’s flow list says how each hand-made request ended', () => {
  /** The outcome words of the newest flow in the list (the list shows newest first). */
  async function newestOutcome(browser: Browser): Promise<{ kind: string; words: string }> {
    const timeline = await browser.get('/timeline');
    assert.equal(timeline.status, 200);
    const m = /<li data-outcome="([a-z]+)"[^>]*>[\s\S]*?<span class="outcome outcome-[a-z]+">([^<]*)<\/span>/.exec(
      timeline.text,
    );
    assert.ok(m, 'a flow is listed');
    return { kind: m[1]!, words: m[2]! };
  }

  it('an unknown scope: refused by the auth server, with the error’s name (not the user’s Deny)', async () => {
    const browser = new Browser(printer.base);
    const { form, csrf } = await openBuilder(browser, 'unknown-scope');
    const sent = new URL((await browser.post('/request-builder', { csrf, ...form })).location ?? '');
    await browser.get(
      `/callback?${new URLSearchParams({ error: 'invalid_scope', state: sent.searchParams.get('state') ?? '', iss: auth.publicUrl })}`,
    );
    assert.deepEqual(await newestOutcome(browser), {
      kind: 'refused',
      words: 'refused by the auth server: invalid_scope',
    });
  });

  it('a wrong redirect_uri: stopped at the auth server’s error page (nothing can come back, RFC 6749 §4.1.2.1)', async () => {
    const browser = new Browser(printer.base);
    const { form, csrf } = await openBuilder(browser, 'wrong-redirect-uri');
    assert.equal((await browser.post('/request-builder', { csrf, ...form })).status, 303);
    const outcome = await newestOutcome(browser);
    assert.equal(outcome.kind, 'stopped');
    assert.match(outcome.words, /^stopped at the auth server’s error page/);
  });

  it('a correct request nobody answered (left at sign-in or consent): not finished, not “went through”', async () => {
    const browser = new Browser(printer.base);
    const { form, csrf } = await openBuilder(browser);
    assert.equal((await browser.post('/request-builder', { csrf, ...form })).status, 303);
    const outcome = await newestOutcome(browser);
    assert.equal(outcome.kind, 'unfinished');
    assert.match(outcome.words, /^not finished/);
  });
});

describe('the auth server’s answer to a hand-made request shows in its flow', () => {
  it('the timeline names the refused request to the auth server (by a key only the printer can compute) and shows its error page', async () => {
    const asked: URL[] = [];
    auth.extra = (req, url, _body, res) => {
      if (req.method !== 'GET' || !url.pathname.startsWith('/_demo/recordings/')) return false;
      asked.push(url);
      const hit = url.searchParams.getAll('authorize').length > 0;
      const exchanges = hit
        ? [
            {
              id: 'a1',
              traceId: url.pathname.split('/').pop(),
              recordedBy: 'auth',
              from: 'browser',
              to: 'auth',
              channel: 'front',
              step: 2,
              label: 'Authorization request refused: invalid_request',
              at: Date.now(),
              durationMs: 1,
              request: { method: 'GET', url: '/authorize?client_id=photo-printer', headers: {} },
              response: { status: 400, headers: {} },
            },
          ]
        : [];
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ exchanges }));
      return true;
    };
    try {
      const browser = new Browser(printer.base);
      const { form, csrf } = await openBuilder(browser, 'wrong-redirect-uri');
      const sent = new URL((await browser.post('/request-builder', { csrf, ...form })).location ?? '');
      const timeline = await browser.get('/timeline');
      assert.equal(timeline.status, 200);
      const expected = authorizationRequestKey(TEST_TRACE_SECRET, CLIENT_ID, sent.searchParams.get('state') ?? '');
      assert.ok(
        asked.some((u) => u.searchParams.getAll('authorize').includes(expected)),
        'the flow’s authorization request named to the auth server',
      );
      assert.ok(!asked.some((u) => u.search.includes(sent.searchParams.get('state') ?? '-')), 'never the state itself');
      assert.match(timeline.text, /Authorization request refused: invalid_request/);
      assert.doesNotMatch(timeline.text, /Auth server recorded nothing of this flow/);
    } finally {
      auth.extra = undefined;
    }
  });
});
