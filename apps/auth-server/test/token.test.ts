import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildBasicAuthorization, calculateCodeChallenge, generateCodeVerifier } from '@oauth-demo/tokens';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import {
  authorize,
  BROWSER_CLIENT,
  codeFlowTokens,
  PRINTER,
  PRINTER_SECRET,
  startAuthServer,
  tokenRequest,
  type TestServer,
} from './helpers.js';

describe('Token endpoint RFC 6749 §3.2, §4.1.3, §5', () => {
  let server: TestServer;
  before(async () => {
    server = await startAuthServer();
  });
  after(() => server.destroy());

  async function freshCode(options: Parameters<typeof authorize>[1] = {}) {
    const { location, verifier } = await authorize(server, options);
    return { code: location.searchParams.get('code')!, verifier };
  }

  async function expectError(res: Response, status: number, error: string) {
    assert.equal(res.status, status);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = (await res.json()) as { error: string };
    assert.equal(body.error, error);
    return body;
  }

  it('RFC 6749 §4.1.4: exchanges a code for an RFC 9068 access token, no-store, Bearer, expires_in', async () => {
    const { code, verifier } = await freshCode();
    const res = await tokenRequest(server, {
      grant_type: 'authorization_code',
      code,
      redirect_uri: PRINTER.redirectUri,
      code_verifier: verifier,
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.headers.get('pragma'), 'no-cache');
    const body = (await res.json()) as Record<string, string | number>;
    assert.equal(body.token_type, 'Bearer');
    assert.equal(body.expires_in, server.config.lifetimes.accessToken);
    assert.equal(body.scope, 'photos.read offline_access');
    assert.match(String(body.refresh_token), /^[A-Za-z0-9_-]{43}$/);

    const token = String(body.access_token);
    assert.equal(decodeProtectedHeader(token).typ, 'at+jwt');
    const jwks = (await (await fetch(`${server.url}/.well-known/jwks.json`)).json()) as { keys: [] };
    const { payload } = await jwtVerify(token, createLocalJWKSet(jwks), {
      issuer: server.config.issuer,
      audience: server.config.driveResource,
      typ: 'at+jwt',
    });
    assert.equal(payload.sub, 'alice');
    assert.equal(payload.client_id, PRINTER.clientId);
    assert.equal(payload.scope, 'photos.read offline_access');
    for (const claim of ['iat', 'exp', 'jti']) assert.ok(payload[claim], claim);
  });

  it('consent granted in part: without offline_access there is no refresh token', async () => {
    const body = await codeFlowTokens(server, []);
    assert.equal(body.scope, 'photos.read');
    assert.equal(body.refresh_token, undefined);
  });

  it('RFC 6749 §4.1.2: a replayed code is invalid_grant and revokes what the first redemption issued', async () => {
    const { code, verifier } = await freshCode();
    const form = { grant_type: 'authorization_code', code, redirect_uri: PRINTER.redirectUri, code_verifier: verifier };
    const first = (await (await tokenRequest(server, form)).json()) as { refresh_token: string };
    await expectError(await tokenRequest(server, form), 400, 'invalid_grant');
    // The refresh token from the first redemption is dead now.
    await expectError(
      await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: first.refresh_token }),
      400,
      'invalid_grant',
    );
  });

  describe('docs/security.md §T7: only the rightful client can trigger the replay revocation (issue 12 item 8)', () => {
    // Asked by the printer itself: it may introspect its own access and refresh tokens (RFC 7662 §4).
    async function active(token: string): Promise<boolean> {
      const res = await fetch(`${server.url}/introspect`, {
        method: 'POST',
        headers: {
          authorization: buildBasicAuthorization(PRINTER.clientId, PRINTER_SECRET),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ token }),
      });
      return ((await res.json()) as { active: boolean }).active;
    }
    async function redeemed() {
      const { code, verifier } = await freshCode();
      const form = {
        grant_type: 'authorization_code',
        code,
        redirect_uri: PRINTER.redirectUri,
        code_verifier: verifier,
      };
      const res = await tokenRequest(server, form);
      assert.equal(res.status, 200);
      return { code, verifier, form, tokens: (await res.json()) as { access_token: string; refresh_token: string } };
    }

    it('a used code sent by another (public) client, with no secret and a wrong verifier, is refused and revokes nothing', async () => {
      const { code, tokens } = await redeemed();
      const res = await tokenRequest(
        server,
        {
          grant_type: 'authorization_code',
          code,
          redirect_uri: PRINTER.redirectUri,
          code_verifier: generateCodeVerifier(),
          client_id: BROWSER_CLIENT.clientId,
        },
        { auth: null },
      );
      await expectError(res, 400, 'invalid_grant');
      assert.equal(await active(tokens.access_token), true, "the user's access token still works");
      assert.equal(await active(tokens.refresh_token), true, "the user's refresh token still works");
    });

    it('a used code sent again by its own client with a wrong verifier or a wrong redirect_uri revokes nothing', async () => {
      const { form, tokens } = await redeemed();
      await expectError(
        await tokenRequest(server, { ...form, code_verifier: generateCodeVerifier() }),
        400,
        'invalid_grant',
      );
      await expectError(
        await tokenRequest(server, { ...form, redirect_uri: `${PRINTER.redirectUri}/` }),
        400,
        'invalid_grant',
      );
      assert.equal(await active(tokens.access_token), true);
      assert.equal(await active(tokens.refresh_token), true);
    });

    it('a failed attempt does not burn the code: its own client can still redeem it', async () => {
      const { code, verifier } = await freshCode();
      const form = {
        grant_type: 'authorization_code',
        code,
        redirect_uri: PRINTER.redirectUri,
        code_verifier: verifier,
      };
      await expectError(
        await tokenRequest(server, { ...form, code_verifier: generateCodeVerifier() }),
        400,
        'invalid_grant',
      );
      await expectError(
        await tokenRequest(server, { ...form, client_id: BROWSER_CLIENT.clientId }, { auth: null }),
        400,
        'invalid_grant',
      );
      assert.equal((await tokenRequest(server, form)).status, 200);
    });

    it("a replay that passes every check revokes that code's tokens (refreshed ones included), not the consent nor other codes' tokens", async () => {
      const other = await redeemed();
      const { form, tokens } = await authorizeKeepingConsent();
      const refreshed = (await (
        await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token })
      ).json()) as { access_token: string; refresh_token: string };
      await expectError(await tokenRequest(server, form), 400, 'invalid_grant');
      for (const t of [tokens.access_token, refreshed.access_token, refreshed.refresh_token])
        assert.equal(await active(t), false, 'a token of the replayed code');
      assert.equal(await active(other.tokens.access_token), true, 'a token of another code of the same grant');
      assert.ok(
        server.app.context.store.grants.findActive('alice', PRINTER.clientId),
        'the consent is remembered still',
      );

      async function authorizeKeepingConsent() {
        const { location, verifier } = await authorize(server, { keepConsent: true });
        const f = {
          grant_type: 'authorization_code',
          code: location.searchParams.get('code')!,
          redirect_uri: PRINTER.redirectUri,
          code_verifier: verifier,
        };
        const res = await tokenRequest(server, f);
        assert.equal(res.status, 200);
        return { form: f, tokens: (await res.json()) as { access_token: string; refresh_token: string } };
      }
    });
  });

  it('concurrent redemptions of one code: exactly one succeeds', async () => {
    const { code, verifier } = await freshCode();
    const form = { grant_type: 'authorization_code', code, redirect_uri: PRINTER.redirectUri, code_verifier: verifier };
    const statuses = (await Promise.all(Array.from({ length: 8 }, () => tokenRequest(server, form))))
      .map((r) => r.status)
      .sort();
    assert.deepEqual(statuses, [200, 400, 400, 400, 400, 400, 400, 400]);
  });

  it('RFC 7636 §4.6: a wrong code_verifier is invalid_grant', async () => {
    const { code } = await freshCode();
    await expectError(
      await tokenRequest(server, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: PRINTER.redirectUri,
        code_verifier: generateCodeVerifier(),
      }),
      400,
      'invalid_grant',
    );
  });

  it('RFC 7636 §4.5: a missing code_verifier is invalid_request', async () => {
    const { code } = await freshCode();
    await expectError(
      await tokenRequest(server, { grant_type: 'authorization_code', code, redirect_uri: PRINTER.redirectUri }),
      400,
      'invalid_request',
    );
  });

  it('RFC 6749 §4.1.3: a redirect_uri different from the authorization request is invalid_grant', async () => {
    const { code, verifier } = await freshCode();
    await expectError(
      await tokenRequest(server, {
        grant_type: 'authorization_code',
        code,
        redirect_uri: `${PRINTER.redirectUri}/`,
        code_verifier: verifier,
      }),
      400,
      'invalid_grant',
    );
  });

  it('RFC 6749 §4.1.3: a code issued to another client is invalid_grant', async () => {
    const { code, verifier } = await freshCode();
    const res = await tokenRequest(
      server,
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: BROWSER_CLIENT.redirectUri,
        code_verifier: verifier,
        client_id: BROWSER_CLIENT.clientId,
      },
      { auth: null },
    );
    await expectError(res, 400, 'invalid_grant');
  });

  it('an unknown code is invalid_grant', async () => {
    await expectError(
      await tokenRequest(server, {
        grant_type: 'authorization_code',
        code: 'x'.repeat(43),
        redirect_uri: PRINTER.redirectUri,
        code_verifier: generateCodeVerifier(),
      }),
      400,
      'invalid_grant',
    );
  });

  it('an expired code is invalid_grant', async () => {
    const shortLived = await startAuthServer({ env: { AUTHORIZATION_CODE_TTL: '1' } });
    try {
      const { location, verifier } = await authorize(shortLived);
      await new Promise((r) => setTimeout(r, 2100));
      const res = await tokenRequest(shortLived, {
        grant_type: 'authorization_code',
        code: location.searchParams.get('code')!,
        redirect_uri: PRINTER.redirectUri,
        code_verifier: verifier,
      });
      await expectError(res, 400, 'invalid_grant');
    } finally {
      await shortLived.destroy();
    }
  });

  it('RFC 6749 §5.2: a wrong secret with Basic is 401 invalid_client with WWW-Authenticate: Basic', async () => {
    const res = await tokenRequest(
      server,
      { grant_type: 'authorization_code', code: 'x' },
      { auth: buildBasicAuthorization(PRINTER.clientId, 'wrong-secret') },
    );
    await expectError(res, 401, 'invalid_client');
    assert.match(res.headers.get('www-authenticate')!, /^Basic /);
  });

  it('RFC 6749 §5.2: an unknown client with Basic is 401 invalid_client', async () => {
    const res = await tokenRequest(
      server,
      { grant_type: 'authorization_code', code: 'x' },
      { auth: buildBasicAuthorization('nobody', PRINTER_SECRET) },
    );
    await expectError(res, 401, 'invalid_client');
    assert.match(res.headers.get('www-authenticate')!, /^Basic /);
  });

  it('malformed Basic credentials are 401 invalid_client, never a 500', async () => {
    for (const auth of [
      'Basic',
      'Basic %%%',
      'Basic Zm9v',
      `Basic ${Buffer.from(':secret').toString('base64')}`,
      `Basic ${Buffer.from('a:%E0%A4%A').toString('base64')}`,
    ]) {
      const res = await tokenRequest(server, { grant_type: 'authorization_code' }, { auth });
      await expectError(res, 401, 'invalid_client');
    }
  });

  it('a confidential client that does not authenticate is 401 invalid_client (no Basic challenge needed)', async () => {
    const res = await tokenRequest(
      server,
      { grant_type: 'authorization_code', client_id: PRINTER.clientId },
      { auth: null },
    );
    await expectError(res, 401, 'invalid_client');
  });

  it('no client identification at all is 401 invalid_client', async () => {
    await expectError(
      await tokenRequest(server, { grant_type: 'authorization_code' }, { auth: null }),
      401,
      'invalid_client',
    );
  });

  it('RFC 6749 §2.3: two authentication methods at once is invalid_request', async () => {
    await expectError(
      await tokenRequest(server, { grant_type: 'authorization_code', client_secret: PRINTER_SECRET }),
      400,
      'invalid_request',
    );
  });

  it('RFC 6749 §5.2: a missing grant_type is invalid_request, an unknown one unsupported_grant_type', async () => {
    await expectError(await tokenRequest(server, {}), 400, 'invalid_request');
    await expectError(await tokenRequest(server, { grant_type: 'urn:example:magic' }), 400, 'unsupported_grant_type');
    await expectError(await tokenRequest(server, { grant_type: '__proto__' }), 400, 'unsupported_grant_type');
  });

  it('RFC 6749 §5.2: a grant type the client is not registered for is unauthorized_client', async () => {
    const res = await tokenRequest(
      server,
      { grant_type: 'client_credentials', client_id: BROWSER_CLIENT.clientId },
      { auth: null },
    );
    await expectError(res, 400, 'unauthorized_client');
  });

  it('RFC 6749 §3.2: a JSON body is invalid_request', async () => {
    const res = await tokenRequest(
      server,
      {},
      { contentType: 'application/json', body: JSON.stringify({ grant_type: 'authorization_code' }) },
    );
    await expectError(res, 400, 'invalid_request');
  });

  it('RFC 6749 §3.1: a repeated parameter is invalid_request', async () => {
    const res = await tokenRequest(
      server,
      {},
      { body: 'grant_type=authorization_code&code=a&code=b&redirect_uri=x&code_verifier=y' },
    );
    await expectError(res, 400, 'invalid_request');
  });

  it('an oversized body is a 4xx invalid_request, not a 500', async () => {
    const res = await tokenRequest(server, {}, { body: `grant_type=authorization_code&code=${'a'.repeat(20_000)}` });
    await expectError(res, 413, 'invalid_request');
  });

  it('RFC 6749 §3.2: another method than POST is 405 with Allow: POST and a JSON error, on the token, introspection and revocation endpoints', async () => {
    for (const path of ['/token', '/introspect', '/revoke'])
      for (const method of ['GET', 'PUT', 'DELETE']) {
        const res = await fetch(`${server.url}${path}?grant_type=client_credentials&client_secret=x`, { method });
        assert.equal(res.status, 405, `${method} ${path}`);
        assert.equal(res.headers.get('allow'), 'POST');
        assert.equal(res.headers.get('cache-control'), 'no-store');
        assert.equal(((await res.json()) as { error: string }).error, 'invalid_request');
      }
  });

  it('the form is read as UTF-8 (RFC 6749 Appendix B), without Content-Encoding, and refused past 10 KB even when chunked', async () => {
    // Media type and charset are case-insensitive: this form is read (and the printer may not use this grant).
    const read = await tokenRequest(
      server,
      {},
      {
        contentType: 'Application/X-WWW-Form-Urlencoded; Charset="UTF-8"',
        body: 'grant_type=client_credentials',
      },
    );
    await expectError(read, 400, 'unauthorized_client');
    const latin1 = await tokenRequest(
      server,
      {},
      {
        contentType: 'application/x-www-form-urlencoded; charset=iso-8859-1',
        body: 'grant_type=client_credentials',
      },
    );
    await expectError(latin1, 400, 'invalid_request');
    // Raw bytes that are not UTF-8 (Latin-1 "é" is 0xE9) are refused, not read as U+FFFD.
    const notUtf8 = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: Buffer.concat([Buffer.from('grant_type=client_credentials&client_id=caf'), Buffer.from([0xe9])]),
    });
    await expectError(notUtf8, 400, 'invalid_request');
    const gzip = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-encoding': 'gzip' },
      body: 'grant_type=client_credentials',
    });
    await expectError(gzip, 400, 'invalid_request');
    // No Content-Length (chunked): counted as it arrives.
    const chunk = new TextEncoder().encode(`code=${'a'.repeat(4096)}&`);
    const chunked = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new ReadableStream({
        start(controller) {
          for (let i = 0; i < 5; i++) controller.enqueue(chunk);
          controller.close();
        },
      }),
      duplex: 'half',
    } as RequestInit);
    await expectError(chunked, 413, 'invalid_request');
  });

  it('RFC 9700 §4.14.2: a public client that was allowed offline_access gets a rotating refresh token', async () => {
    const verifier = generateCodeVerifier();
    const { location } = await authorize(server, {
      params: {
        client_id: BROWSER_CLIENT.clientId,
        redirect_uri: BROWSER_CLIENT.redirectUri,
        scope: 'photos.read offline_access',
        code_challenge: calculateCodeChallenge(verifier),
      },
      scopes: ['offline_access'],
    });
    const body = (await (
      await tokenRequest(
        server,
        {
          grant_type: 'authorization_code',
          code: location.searchParams.get('code')!,
          redirect_uri: BROWSER_CLIENT.redirectUri,
          code_verifier: verifier,
          client_id: BROWSER_CLIENT.clientId,
        },
        { auth: null },
      )
    ).json()) as { refresh_token: string };
    assert.ok(body.refresh_token);
    const refresh = () =>
      tokenRequest(
        server,
        { grant_type: 'refresh_token', refresh_token: body.refresh_token, client_id: BROWSER_CLIENT.clientId },
        { auth: null },
      );
    assert.equal((await refresh()).status, 200);
    assert.equal((await refresh()).status, 400, 'rotated: the old one is dead');
  });

  it('public clients authenticate with none and are bound by PKCE', async () => {
    const verifier = generateCodeVerifier();
    const { location } = await authorize(server, {
      params: {
        client_id: BROWSER_CLIENT.clientId,
        redirect_uri: BROWSER_CLIENT.redirectUri,
        scope: 'photos.read',
        code_challenge: calculateCodeChallenge(verifier),
      },
      scopes: [],
    });
    // authorize() made its own verifier; redo with ours by reading the code only.
    const code = location.searchParams.get('code')!;
    const res = await tokenRequest(
      server,
      {
        grant_type: 'authorization_code',
        code,
        redirect_uri: BROWSER_CLIENT.redirectUri,
        code_verifier: verifier,
        client_id: BROWSER_CLIENT.clientId,
      },
      { auth: null },
    );
    assert.equal(res.status, 200);
    const body = (await res.json()) as Record<string, unknown>;
    assert.equal(body.refresh_token, undefined);
  });
});

describe('Refresh tokens RFC 6749 §6 and rotation RFC 9700 §4.14.2', () => {
  let server: TestServer;
  before(async () => {
    server = await startAuthServer();
  });
  after(() => server.destroy());

  const refresh = (refresh_token: string, extra: Record<string, string> = {}) =>
    tokenRequest(server, { grant_type: 'refresh_token', refresh_token, ...extra });

  it('rotates: each use returns a new refresh token and retires the old one', async () => {
    const first = await codeFlowTokens(server);
    const res = await refresh(first.refresh_token!);
    assert.equal(res.status, 200);
    const second = (await res.json()) as { refresh_token: string; access_token: string };
    assert.notEqual(second.refresh_token, first.refresh_token);
    assert.notEqual(second.access_token, first.access_token);
    assert.equal((await refresh(second.refresh_token)).status, 200);
  });

  it('reuse of a rotated token is invalid_grant and revokes the whole family', async () => {
    const first = await codeFlowTokens(server);
    const second = (await (await refresh(first.refresh_token!)).json()) as { refresh_token: string };
    assert.equal(((await (await refresh(first.refresh_token!)).json()) as { error: string }).error, 'invalid_grant');
    assert.equal(((await (await refresh(second.refresh_token)).json()) as { error: string }).error, 'invalid_grant');
  });

  it('concurrent refreshes of one token: exactly one succeeds', async () => {
    const first = await codeFlowTokens(server);
    const statuses = (await Promise.all(Array.from({ length: 6 }, () => refresh(first.refresh_token!))))
      .map((r) => r.status)
      .sort();
    assert.deepEqual(statuses, [200, 400, 400, 400, 400, 400]);
  });

  it('may narrow the scope, never widen it', async () => {
    const a = await codeFlowTokens(server);
    const widened = await refresh(a.refresh_token!, { scope: 'photos.read offline_access photos.write' });
    assert.equal(((await widened.json()) as { error: string }).error, 'invalid_scope');
    const b = await codeFlowTokens(server);
    const narrowed = (await (await refresh(b.refresh_token!, { scope: 'photos.read' })).json()) as {
      scope: string;
      refresh_token?: string;
    };
    assert.equal(narrowed.scope, 'photos.read');
  });

  it('a refresh token is bound to its client', async () => {
    const a = await codeFlowTokens(server);
    const res = await tokenRequest(
      server,
      { grant_type: 'refresh_token', refresh_token: a.refresh_token!, client_id: BROWSER_CLIENT.clientId },
      { auth: null },
    );
    assert.equal(res.status, 400);
  });
});

describe('RFC 6749 §4.1.2: a used code replayed after it expired is still a replay (AUTHORIZATION_CODE_TTL=3)', () => {
  let server: TestServer;
  // The server counts whole seconds (a code issued at 10.9 s with 3 s to live ends at 13 s): at least 2 s to redeem
  // it, even on a busy machine; with 1 s a code issued late in a second could expire before the first redemption.
  before(async () => {
    server = await startAuthServer({ env: { AUTHORIZATION_CODE_TTL: '3' } });
  });
  after(() => server.destroy());

  it('an unused expired code is refused; a used one, replayed by its client after expiry, revokes its tokens', async () => {
    const redeemNow = async () => {
      const { location, verifier } = await authorize(server);
      const form = {
        grant_type: 'authorization_code',
        code: location.searchParams.get('code')!,
        redirect_uri: PRINTER.redirectUri,
        code_verifier: verifier,
      };
      return { form, res: await tokenRequest(server, form) };
    };
    const used = await redeemNow();
    assert.equal(used.res.status, 200);
    const tokens = (await used.res.json()) as { refresh_token: string };
    const unused = await authorize(server, { keepConsent: true });
    // Wait out the 3-second lifetime (whole seconds: at most 4 s from now).
    await new Promise((resolve) => setTimeout(resolve, 4100));
    const late = await tokenRequest(server, {
      grant_type: 'authorization_code',
      code: unused.location.searchParams.get('code')!,
      redirect_uri: PRINTER.redirectUri,
      code_verifier: unused.verifier,
    });
    assert.equal(late.status, 400);
    assert.match(((await late.json()) as { error_description: string }).error_description, /expired/);
    const replay = await tokenRequest(server, used.form);
    assert.equal(replay.status, 400);
    assert.match(((await replay.json()) as { error_description: string }).error_description, /already used/);
    const refresh = await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token });
    assert.equal(refresh.status, 400, 'the refresh token of the replayed code is revoked');
  });
});
