/**
 * The token endpoint (RFC 6749 §3.2, §4.1.3, §5, §6): the authorization code grant with PKCE, refresh tokens
 * with rotation, the error codes of §5.2, and atomic single use under real concurrency.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { calculateCodeChallenge, generateCodeVerifier } from '@oauth-demo/tokens';
import { Browser, csrfFrom, header, json, parallel, postForm, raw, sleep, type RawResponse } from '../support/http.js';
import {
  assertOAuthError,
  authorize,
  basic,
  codeFlowTokens,
  codeOf,
  isActive,
  PRINTER_AUTH,
  redeem,
  refresh,
  signIn,
  tokenRequest,
  type TokenResponse,
} from '../support/oauth.js';
import {
  BROWSER_CLIENT,
  DRIVE_CLIENT,
  DRIVE_RESOURCE,
  DRIVE_WEB,
  INTERNAL,
  ISSUER,
  PRINT_LAB,
  PRINTER,
  sparePorts,
  startSpare,
} from '../support/stack.js';

function assertTokenResponse(res: RawResponse, what: string): TokenResponse {
  assert.equal(res.status, 200, `${what}: ${res.body}`);
  assert.equal(header(res, 'cache-control'), 'no-store', `${what}: Cache-Control (RFC 6749 §5.1)`);
  assert.match(header(res, 'content-type') ?? '', /^application\/json/);
  const body = json<TokenResponse>(res);
  assert.equal(body.token_type, 'Bearer');
  assert.ok(Number.isInteger(body.expires_in) && body.expires_in > 0, `expires_in ${body.expires_in}`);
  assert.equal(typeof body.access_token, 'string');
  return body;
}

/** One signed-in browser per user, so each new code costs one consent, not one sign-in. */
const browsers = { alice: new Browser(), bob: new Browser() };

async function freshCode(options: { user?: 'alice' | 'bob'; client?: 'printer' | 'browser'; scope?: string } = {}) {
  const user = options.user ?? 'alice';
  const result = await authorize({
    user,
    client: options.client,
    browser: browsers[user],
    ...(options.scope ? { params: { scope: options.scope } } : {}),
  });
  return { code: codeOf(result), verifier: result.verifier };
}

describe('docs/security.md §T8, RFC 6749 §5.1 + RFC 9068: a successful token response', () => {
  let body: TokenResponse;
  let res: RawResponse;
  before(async () => {
    const { code, verifier } = await freshCode();
    res = await redeem(code, verifier);
    body = assertTokenResponse(res, 'authorization_code');
  });

  it('RFC 6749 §5.1: JSON with token_type Bearer, expires_in, scope, and Cache-Control: no-store + Pragma: no-cache', () => {
    assert.equal(header(res, 'pragma'), 'no-cache');
    assert.equal(body.scope, 'photos.read offline_access');
    assert.ok(body.refresh_token, 'offline_access was granted: a refresh token comes too');
  });

  it('RFC 9068 §2: the access token is an at+jwt signed with an asymmetric key named by kid, carrying iss, sub, aud, client_id, scope, iat, exp, jti', async () => {
    const h = decodeProtectedHeader(body.access_token);
    assert.equal(h.typ, 'at+jwt');
    assert.ok(h.alg && !/^(none|HS)/i.test(h.alg));
    const jwks = json<{ keys: { kid: string }[] }>(await raw(INTERNAL.auth, 'GET', '/.well-known/jwks.json'));
    assert.ok(
      jwks.keys.some((k) => k.kid === h.kid),
      'kid is in the JWKS',
    );
    const c = decodeJwt(body.access_token);
    assert.equal(c.iss, ISSUER);
    assert.equal(c.aud, DRIVE_RESOURCE);
    assert.equal(c.sub, 'alice');
    assert.equal(c.client_id, PRINTER.clientId);
    assert.equal(c.scope, 'photos.read offline_access');
    assert.equal(typeof c.jti, 'string');
    assert.equal(c.exp! - c.iat!, body.expires_in);
  });

  it('RFC 6749 §1.5: without offline_access in the granted scope, no refresh token', async () => {
    const { code, verifier } = await freshCode({ user: 'bob', scope: 'photos.read' });
    const tokens = assertTokenResponse(await redeem(code, verifier), 'narrowed consent');
    assert.equal(tokens.scope, 'photos.read');
    assert.equal(tokens.refresh_token, undefined);
  });
});

describe('docs/security.md §T5, RFC 6749 §5.2: error responses of the token endpoint', () => {
  it('RFC 6749 §5.2: an unknown grant_type is unsupported_grant_type', async () => {
    for (const grant of ['magic', 'urn:example:unknown', 'AUTHORIZATION_CODE', 'implicit']) {
      const res = await tokenRequest({ grant_type: grant, code: 'x' });
      assertOAuthError(res, 400, 'unsupported_grant_type', grant);
      assert.equal(header(res, 'cache-control'), 'no-store');
    }
  });

  it('RFC 6749 §5.2: the password grant is per-client opt-in: the printer (a third party) gets unauthorized_client', async () => {
    const res = await tokenRequest({
      grant_type: 'password',
      username: 'alice',
      password: 'wonderland',
      scope: 'photos.read',
    });
    assertOAuthError(res, 400, 'unauthorized_client', 'password grant from the printer');
  });

  it('RFC 6749 §5.2: a grant the client is not registered for is unauthorized_client', async () => {
    const publicCredentials = await tokenRequest(
      { grant_type: 'client_credentials', client_id: BROWSER_CLIENT.clientId },
      null,
    );
    assertOAuthError(publicCredentials, 400, 'unauthorized_client', 'client_credentials from the public client');
    const driveCode = await tokenRequest(
      {
        grant_type: 'authorization_code',
        code: 'x',
        redirect_uri: PRINTER.redirectUri,
        code_verifier: generateCodeVerifier(),
      },
      basic(DRIVE_CLIENT.clientId, DRIVE_CLIENT.secret),
    );
    assertOAuthError(driveCode, 400, 'unauthorized_client', 'authorization_code from drive');
  });

  it('RFC 6749 §5.2: a missing grant_type is invalid_request', async () => {
    assertOAuthError(await tokenRequest({ code: 'x' }), 400, 'invalid_request', 'no grant_type');
    assertOAuthError(await tokenRequest({ grant_type: '' }), 400, 'invalid_request', 'empty grant_type');
  });

  it('RFC 6749 §3.2: a repeated parameter (grant_type, code, code_verifier) is invalid_request', async () => {
    const { code, verifier } = await freshCode({ user: 'bob' });
    const base = { redirect_uri: PRINTER.redirectUri };
    assertOAuthError(
      await tokenRequest({
        ...base,
        grant_type: ['authorization_code', 'authorization_code'],
        code,
        code_verifier: verifier,
      }),
      400,
      'invalid_request',
      'grant_type twice',
    );
    assertOAuthError(
      await tokenRequest({ ...base, grant_type: 'authorization_code', code: [code, code], code_verifier: verifier }),
      400,
      'invalid_request',
      'code twice',
    );
    assertOAuthError(
      await tokenRequest({ ...base, grant_type: 'authorization_code', code, code_verifier: [verifier, verifier] }),
      400,
      'invalid_request',
      'code_verifier twice',
    );
  });

  it('RFC 6749 §3.2: a JSON body is invalid_request (the token endpoint takes application/x-www-form-urlencoded)', async () => {
    const { code, verifier } = await freshCode({ user: 'bob' });
    const body = JSON.stringify({
      grant_type: 'authorization_code',
      code,
      redirect_uri: PRINTER.redirectUri,
      code_verifier: verifier,
    });
    const res = await raw(
      INTERNAL.auth,
      'POST',
      '/token',
      { 'content-type': 'application/json', authorization: PRINTER_AUTH },
      body,
    );
    assertOAuthError(res, 400, 'invalid_request', 'JSON body');
    assert.equal(header(res, 'cache-control'), 'no-store');
  });

  it('RFC 6749 §4.1.3: a missing code, redirect_uri or code_verifier is invalid_request', async () => {
    const { code, verifier } = await freshCode({ user: 'bob' });
    const full = { grant_type: 'authorization_code', code, redirect_uri: PRINTER.redirectUri, code_verifier: verifier };
    for (const missing of ['code', 'redirect_uri', 'code_verifier'] as const) {
      assertOAuthError(await tokenRequest({ ...full, [missing]: undefined }), 400, 'invalid_request', `no ${missing}`);
    }
  });

  it('RFC 6749 §5.2: an unknown code is invalid_grant', async () => {
    assertOAuthError(await redeem('not-a-code', generateCodeVerifier()), 400, 'invalid_grant', 'unknown code');
  });
});

describe('docs/security.md §T6, RFC 6749 §4.1.3 + RFC 7636 §4.6: a code is bound to its client, its redirect_uri and its code_challenge', () => {
  it('RFC 6749 §4.1.3: a code issued to the public client, redeemed by the confidential client, is invalid_grant', async () => {
    const { code, verifier } = await freshCode({ client: 'browser' });
    assertOAuthError(
      await redeem(code, verifier, { redirectUri: BROWSER_CLIENT.redirectUri }),
      400,
      'invalid_grant',
      'other client',
    );
  });

  it("RFC 6749 §4.1.3: the printer's code, redeemed by the public client (client_id only), is invalid_grant", async () => {
    const { code, verifier } = await freshCode();
    const res = await tokenRequest(
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: PRINTER.redirectUri,
        code_verifier: verifier,
        client_id: BROWSER_CLIENT.clientId,
      },
      null,
    );
    assertOAuthError(res, 400, 'invalid_grant', 'redeemed by the public client');
  });

  it('RFC 6749 §4.1.3: a redirect_uri that differs from the authorization request (even by a trailing slash) is invalid_grant', async () => {
    for (const uri of [`${PRINTER.redirectUri}/`, BROWSER_CLIENT.redirectUri, PRINTER.redirectUri.toUpperCase()]) {
      const { code, verifier } = await freshCode();
      assertOAuthError(await redeem(code, verifier, { redirectUri: uri }), 400, 'invalid_grant', uri);
    }
  });

  it('RFC 7636 §4.6: a code_verifier that does not hash to the code_challenge is invalid_grant', async () => {
    const { code } = await freshCode();
    assertOAuthError(await redeem(code, generateCodeVerifier()), 400, 'invalid_grant', 'wrong verifier');
  });

  it('RFC 7636 §4.6: the code_challenge itself sent as the verifier (plain-style) is invalid_grant', async () => {
    const { code, verifier } = await freshCode();
    assertOAuthError(
      await redeem(code, calculateCodeChallenge(verifier)),
      400,
      'invalid_grant',
      'challenge as verifier',
    );
  });

  it('RFC 7636 §4.1: a malformed code_verifier (too short, bad characters) is refused', async () => {
    for (const bad of ['short', `${generateCodeVerifier()}!`, 'a'.repeat(129)]) {
      const { code } = await freshCode();
      assertOAuthError(
        await redeem(code, bad),
        400,
        ['invalid_grant', 'invalid_request'],
        `verifier ${bad.slice(0, 10)}`,
      );
    }
  });
});

describe('docs/security.md §T7, RFC 6749 §4.1.2: a code is short-lived and single-use', () => {
  it('RFC 6749 §4.1.2: a second redemption is invalid_grant and revokes the tokens issued from the first', async () => {
    const { code, verifier } = await freshCode({ user: 'bob' });
    const first = assertTokenResponse(await redeem(code, verifier), 'first redemption');
    assert.equal(await isActive(first.access_token), true);
    assertOAuthError(await redeem(code, verifier), 400, 'invalid_grant', 'second redemption');
    assert.equal(await isActive(first.access_token), false, 'the access token of the first redemption is revoked');
    assert.equal(await isActive(first.refresh_token!), false, 'the refresh token of the first redemption is revoked');
    assertOAuthError(await refresh(first.refresh_token!), 400, 'invalid_grant', 'refresh after code replay');
  });

  it('RFC 6749 §4.1.2: a used code sent by another client (the public one: no secret, a wrong verifier) is invalid_grant and revokes nothing', async () => {
    const { code, verifier } = await freshCode({ user: 'bob' });
    const first = assertTokenResponse(await redeem(code, verifier), 'first redemption');
    const res = await tokenRequest(
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: PRINTER.redirectUri,
        code_verifier: generateCodeVerifier(),
        client_id: BROWSER_CLIENT.clientId,
      },
      null,
    );
    assertOAuthError(res, 400, 'invalid_grant', 'replay by another client');
    assertOAuthError(
      await redeem(code, generateCodeVerifier()),
      400,
      'invalid_grant',
      'replay by its client with a wrong verifier',
    );
    assertOAuthError(
      await redeem(code, verifier, { redirectUri: `${PRINTER.redirectUri}/` }),
      400,
      'invalid_grant',
      'replay with a wrong redirect_uri',
    );
    assert.equal(
      await isActive(first.access_token),
      true,
      'a leaked code does not let anyone cut the user off: the access token still works',
    );
    assert.equal(await isActive(first.refresh_token!), true, 'and so does the refresh token');
  });

  it('RFC 6749 §4.1.3: a refused redemption (wrong verifier, another client) does not use the code up', async () => {
    const { code, verifier } = await freshCode({ user: 'bob' });
    assertOAuthError(await redeem(code, generateCodeVerifier()), 400, 'invalid_grant', 'wrong verifier');
    assertOAuthError(
      await redeem(code, verifier, { client: 'browser', redirectUri: PRINTER.redirectUri }),
      400,
      'invalid_grant',
      'another client',
    );
    assertTokenResponse(await redeem(code, verifier), 'its own client, afterwards');
  });

  it('RFC 6749 §4.1.2: N simultaneous redemptions of one code: exactly one 200, the others invalid_grant', async () => {
    const { code, verifier } = await freshCode();
    const results = await parallel(12, () => redeem(code, verifier));
    const ok = results.filter((r) => r.status === 200);
    assert.equal(ok.length, 1, `statuses: ${results.map((r) => r.status).join(',')}`);
    for (const r of results.filter((x) => x.status !== 200))
      assertOAuthError(r, 400, 'invalid_grant', 'concurrent loser');
  });

  describe('with a short code lifetime (AUTHORIZATION_CODE_TTL=1 on a throwaway auth server)', () => {
    let spare: Awaited<ReturnType<typeof startSpare>>;
    before(async () => {
      spare = await startSpare('auth-server', {
        label: 'short-code',
        port: sparePorts()[0]!,
        env: { AUTHORIZATION_CODE_TTL: '1' },
      });
    });
    after(() => spare.stop());

    it('RFC 6749 §4.1.2: an expired code is invalid_grant', async () => {
      const verifier = generateCodeVerifier();
      const browser = new Browser();
      const base = `http://localhost:${spare.stack.ports.auth}`;
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: PRINTER.clientId,
        redirect_uri: PRINTER.redirectUri,
        scope: 'photos.read',
        state: 's',
        code_challenge: calculateCodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      const start = await browser.get(`${base}/authorize?${query}`);
      const interaction = start.location!;
      const consent = await signIn(browser, interaction, await browser.get(interaction), 'bob', 'builder');
      const back = await browser.post(`${interaction}/consent`, { csrf: csrfFrom(consent.text), decision: 'allow' });
      const code = new URL(back.location!).searchParams.get('code')!;
      await sleep(2100);
      const res = await postForm(
        spare.url,
        '/token',
        { grant_type: 'authorization_code', code, redirect_uri: PRINTER.redirectUri, code_verifier: verifier },
        { authorization: PRINTER_AUTH },
      );
      assertOAuthError(res, 400, 'invalid_grant', 'expired code');
    });
  });
});

describe('docs/security.md §T9, RFC 6749 §6 + RFC 9700 §4.14.2: refresh tokens rotate, and reuse revokes the family', () => {
  it('RFC 9700 §4.14.2: a refresh returns a new refresh token and a new access token; both responses no-store', async () => {
    const t = await codeFlowTokens({ browser: browsers.alice });
    const r = assertTokenResponse(await refresh(t.refresh_token!), 'refresh');
    assert.ok(r.refresh_token && r.refresh_token !== t.refresh_token, 'rotated');
    assert.notEqual(r.access_token, t.access_token);
    assert.equal(r.scope, t.scope);
  });

  it('RFC 9700 §4.14.2: reuse of a rotated refresh token is invalid_grant and revokes the whole family', async () => {
    const t = await codeFlowTokens({ browser: browsers.bob, user: 'bob' });
    const r1 = assertTokenResponse(await refresh(t.refresh_token!), 'first refresh');
    assertOAuthError(await refresh(t.refresh_token!), 400, 'invalid_grant', 'reuse of the rotated token');
    assertOAuthError(await refresh(r1.refresh_token!), 400, 'invalid_grant', 'the successor after reuse');
    assert.equal(await isActive(r1.access_token), false, 'the access token of the family is revoked');
  });

  it('RFC 9700 §4.14.2: N simultaneous refreshes with one refresh token: exactly one 200', async () => {
    const t = await codeFlowTokens({ browser: browsers.alice });
    const results = await parallel(10, () => refresh(t.refresh_token!));
    const ok = results.filter((r) => r.status === 200);
    assert.equal(ok.length, 1, `statuses: ${results.map((r) => r.status).join(',')}`);
    for (const r of results.filter((x) => x.status !== 200))
      assertOAuthError(r, 400, 'invalid_grant', 'concurrent loser');
  });

  it('RFC 6749 §6: a refresh may narrow the scope', async () => {
    const t = await codeFlowTokens({ browser: browsers.alice });
    const r = assertTokenResponse(await refresh(t.refresh_token!, { scope: 'photos.read' }), 'narrowed refresh');
    assert.equal(r.scope, 'photos.read');
    assert.equal(decodeJwt(r.access_token).scope, 'photos.read');
  });

  it('RFC 6749 §6: a refresh can never widen the scope: invalid_scope', async () => {
    const t = await codeFlowTokens({ browser: browsers.bob, user: 'bob' });
    for (const scope of ['photos.read offline_access photos.write', 'admin']) {
      assertOAuthError(await refresh(t.refresh_token!, { scope }), 400, 'invalid_scope', `widen to ${scope}`);
    }
  });

  it('RFC 6749 §5.2: a refused refresh (invalid_scope) leaves the refresh token usable', async () => {
    const t = await codeFlowTokens({ browser: browsers.alice });
    assertOAuthError(
      await refresh(t.refresh_token!, { scope: 'photos.read photos.write' }),
      400,
      'invalid_scope',
      'widen',
    );
    assertTokenResponse(await refresh(t.refresh_token!), 'the same refresh token after the refused request');
  });

  it("RFC 6749 §6: a refresh token works only for the client it was issued to (another client's credentials: invalid_grant)", async () => {
    const t = await codeFlowTokens({ browser: browsers.alice });
    const res = await refresh(t.refresh_token!, { auth: basic(DRIVE_CLIENT.clientId, DRIVE_CLIENT.secret) });
    assertOAuthError(
      res,
      [400, 401],
      ['invalid_grant', 'unauthorized_client'],
      'drive using the printer refresh token',
    );
    assert.equal(
      await isActive(t.refresh_token!),
      true,
      "a failed attempt by another client does not burn the owner's token",
    );
  });
});

describe('docs/security.md §T10, RFC 6749 §4.4: Client Credentials (the print lab, client_secret_post)', () => {
  const post = (fields: Record<string, string>) =>
    tokenRequest(
      { grant_type: 'client_credentials', client_id: PRINT_LAB.clientId, client_secret: PRINT_LAB.secret, ...fields },
      null,
    );

  it('RFC 6749 §4.4.3: client credentials yields an access token for the client itself and never a refresh token', async () => {
    const body = assertTokenResponse(await post({}), 'client_credentials');
    assert.equal(body.refresh_token, undefined);
    const c = decodeJwt(body.access_token);
    assert.equal(c.sub, PRINT_LAB.clientId, 'RFC 9068 §2.2: sub is the client');
    assert.equal(c.client_id, PRINT_LAB.clientId);
    assert.equal(c.iss, ISSUER);
  });

  it('RFC 6749 §4.4.3: also when offline_access is asked for: invalid_scope, or a token without refresh token', async () => {
    const res = await post({ scope: `${PRINT_LAB.scope} offline_access` });
    if (res.status === 200) assert.equal(json<TokenResponse>(res).refresh_token, undefined);
    else assertOAuthError(res, 400, 'invalid_scope');
  });

  it('RFC 6749 §4.4: a scope beyond the registered ones is invalid_scope', async () => {
    assertOAuthError(await post({ scope: 'photos.read' }), 400, 'invalid_scope', 'photos.read for the print lab');
  });

  it('RFC 6749 §5.2: clients not registered for client_credentials get unauthorized_client (printer, public client)', async () => {
    assertOAuthError(await tokenRequest({ grant_type: 'client_credentials' }), 400, 'unauthorized_client', 'printer');
    assertOAuthError(
      await tokenRequest({ grant_type: 'client_credentials', client_id: BROWSER_CLIENT.clientId }, null),
      [400, 401],
      ['unauthorized_client', 'invalid_client'],
      'public client',
    );
  });
});

describe('docs/security.md §T11, RFC 6749 §4.3: the password grant (first party only: drive-web)', () => {
  const DRIVE_WEB_AUTH = basic(DRIVE_WEB.clientId, DRIVE_WEB.secret);
  const password = (username: string, pw: string, headers: Record<string, string> = {}) =>
    tokenRequest({ grant_type: 'password', username, password: pw }, DRIVE_WEB_AUTH, headers);

  it('RFC 6749 §4.3.3: the first-party client registered for it gets a token for the user', async () => {
    const body = assertTokenResponse(await password('alice', 'wonderland'), 'password grant');
    assert.equal(decodeJwt(body.access_token).sub, 'alice');
  });

  it('RFC 6749 §5.2: wrong credentials are 400 invalid_grant, the same for an unknown user and a wrong password', async () => {
    const wrong = assertOAuthError(await password('alice', 'not-her-password'), 400, 'invalid_grant', 'wrong password');
    const unknown = assertOAuthError(await password('mallory', 'whatever'), 400, 'invalid_grant', 'unknown user');
    assert.equal(wrong.error_description, unknown.error_description, 'one message for both');
  });

  it('RFC 6749 §4.3.2 + RFC 6819 §4.4.3.6: repeated failures are throttled: after them even the right password is refused', async () => {
    for (let i = 0; i < 6; i++)
      assertOAuthError(await password('bob', `guess-${i}`), 400, 'invalid_grant', `failure ${i}`);
    assertOAuthError(
      await password('bob', 'builder'),
      [400, 429],
      ['invalid_grant', 'temporarily_unavailable', 'slow_down'],
      'right password while throttled',
    );
  });
});
