/**
 * Token introspection (RFC 7662) and revocation (RFC 7009): client authentication, exactly {"active": false}
 * for anything the caller may not learn about, and revocation of whole grants.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { calculateCodeChallenge, generateCodeVerifier } from '@oauth-demo/tokens';
import { genuineClaims, now, realSigningKey, signWithRealKey } from '../support/forge.js';
import { Browser, csrfFrom, header, json, postForm, sleep, type RawResponse } from '../support/http.js';
import {
  assertOAuthError,
  authorize,
  basic,
  codeFlowTokens,
  codeOf,
  introspect,
  isActive,
  PRINTER_AUTH,
  redeem,
  refresh,
  revoke,
  signIn,
  tokenRequest,
  type TokenResponse,
} from '../support/oauth.js';
import { DRIVE_CLIENT, DRIVE_RESOURCE, ISSUER, PRINT_LAB, PRINTER, sparePorts, startSpare } from '../support/stack.js';

const DRIVE_AUTH = basic(DRIVE_CLIENT.clientId, DRIVE_CLIENT.secret);

function assertExactlyInactive(res: RawResponse, what: string): void {
  assert.equal(res.status, 200, `${what}: ${res.status} ${res.body}`);
  assert.deepEqual(json(res), { active: false }, `${what}: exactly {"active": false}`);
}

describe('docs/security.md §I1, RFC 7662 §2.1 + RFC 7009 §2.1: both endpoints require client authentication', () => {
  it('RFC 7662 §2.1: introspection without client authentication is 401 invalid_client', async () => {
    const t = await codeFlowTokens({ user: 'bob' });
    const res = await introspect(t.access_token, { auth: null });
    assertOAuthError(res, 401, 'invalid_client', 'no authentication');
    assert.doesNotMatch(res.body, /"active"/);
  });

  it('RFC 7662 §2.1: introspection with a wrong secret is 401 invalid_client with a Basic challenge', async () => {
    const res = await introspect('x', { auth: basic(PRINTER.clientId, 'wrong-secret') });
    assertOAuthError(res, 401, 'invalid_client');
    assert.match(header(res, 'www-authenticate') ?? '', /^Basic/);
  });

  it('RFC 7009 §2.1: revocation by the confidential client without its credentials is 401 invalid_client, and revokes nothing', async () => {
    const t = await codeFlowTokens({ user: 'bob' });
    assertOAuthError(
      await revoke(t.access_token, { auth: null, fields: { client_id: PRINTER.clientId } }),
      401,
      'invalid_client',
    );
    assertOAuthError(
      await revoke(t.refresh_token!, { auth: basic(PRINTER.clientId, 'wrong-secret') }),
      401,
      'invalid_client',
    );
    assert.equal(await isActive(t.access_token), true);
    assert.equal(await isActive(t.refresh_token!), true);
  });
});

describe('docs/security.md §I2, RFC 7662 §2.2: introspection answers', () => {
  let t: TokenResponse;
  before(async () => {
    t = await codeFlowTokens({ user: 'alice' });
  });

  it('RFC 7662 §2.2: an active access token, asked by its own client: active with scope, client_id, sub, exp; no-store', async () => {
    const res = await introspect(t.access_token);
    assert.equal(res.status, 200);
    assert.equal(header(res, 'cache-control'), 'no-store');
    const body = json(res);
    assert.equal(body.active, true);
    assert.equal(body.scope, 'photos.read offline_access');
    assert.equal(body.client_id, PRINTER.clientId);
    assert.equal(body.sub, 'alice');
    assert.equal(body.iss, ISSUER);
    assert.equal(typeof body.exp, 'number');
  });

  it('RFC 7662 §2.2: the resource server (drive) may introspect access tokens issued for it', async () => {
    const body = json(await introspect(t.access_token, { auth: DRIVE_AUTH }));
    assert.equal(body.active, true);
    assert.equal(body.aud, DRIVE_RESOURCE);
  });

  it('RFC 7662 §2.1: a wrong token_type_hint does not stop the server from finding the token', async () => {
    assert.equal(json(await introspect(t.access_token, { hint: 'refresh_token' })).active, true);
    assert.equal(json(await introspect(t.refresh_token!, { hint: 'access_token' })).active, true);
  });

  it('RFC 7662 §2.2: an unknown token is exactly {"active": false}', async () => {
    for (const token of ['unknown', 'x'.repeat(43), 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.AAAA'])
      assertExactlyInactive(await introspect(token), `unknown ${token.slice(0, 10)}`);
  });

  it('RFC 7662 §2.2: an expired (correctly signed) access token is exactly {"active": false}', async () => {
    const key = await realSigningKey();
    const expired = await signWithRealKey(key, genuineClaims({ iat: now() - 700, exp: now() - 60 }));
    assertExactlyInactive(await introspect(expired), 'expired');
  });

  it('RFC 7662 §2.2: a revoked access token is exactly {"active": false}', async () => {
    const own = await codeFlowTokens({ user: 'bob' });
    assert.equal((await revoke(own.access_token)).status, 200);
    assertExactlyInactive(await introspect(own.access_token), 'revoked');
    assertExactlyInactive(await introspect(own.access_token, { auth: DRIVE_AUTH }), 'revoked, asked by drive');
  });

  it('RFC 7662 §2.2: a rotated refresh token is exactly {"active": false}', async () => {
    const own = await codeFlowTokens({ user: 'bob' });
    assert.equal((await refresh(own.refresh_token!)).status, 200);
    assertExactlyInactive(await introspect(own.refresh_token!), 'rotated');
  });

  it('RFC 7662 §4: another client\'s token is exactly {"active": false} (drive asking about the printer\'s refresh token)', async () => {
    assertExactlyInactive(
      await introspect(t.refresh_token!, { auth: DRIVE_AUTH }),
      "the printer's refresh token, asked by drive",
    );
  });

  it('RFC 7662 §4: another client\'s token is exactly {"active": false} (the printer asking about the public client\'s token)', async () => {
    const browser = await authorize({ client: 'browser', user: 'bob' });
    const res = await redeem(codeOf(browser), browser.verifier, { client: 'browser' });
    assert.equal(res.status, 200, res.body);
    const theirs = json<TokenResponse>(res).access_token;
    assertExactlyInactive(
      await introspect(theirs, { auth: PRINTER_AUTH }),
      "the public client's token, asked by the printer",
    );
  });

  describe('with short lifetimes (ACCESS_TOKEN_TTL=1, REFRESH_TOKEN_TTL=1 on a throwaway auth server)', () => {
    let spare: Awaited<ReturnType<typeof startSpare>>;
    before(async () => {
      spare = await startSpare('auth-server', {
        label: 'short-tokens',
        port: sparePorts()[0]!,
        env: { ACCESS_TOKEN_TTL: '1', REFRESH_TOKEN_TTL: '1' },
      });
    });
    after(() => spare.stop());

    it('RFC 7662 §2.2: an access token and a refresh token past their lifetime are exactly {"active": false}; the refresh is invalid_grant', async () => {
      const base = `http://localhost:${spare.stack.ports.auth}`;
      const browser = new Browser();
      const verifier = generateCodeVerifier();
      const query = new URLSearchParams({
        response_type: 'code',
        client_id: PRINTER.clientId,
        redirect_uri: PRINTER.redirectUri,
        scope: PRINTER.scope,
        state: 's',
        code_challenge: calculateCodeChallenge(verifier),
        code_challenge_method: 'S256',
      });
      const interaction = (await browser.get(`${base}/authorize?${query}`)).location!;
      const consent = await signIn(browser, interaction, await browser.get(interaction), 'alice', 'wonderland');
      const back = await browser.post(`${interaction}/consent`, {
        csrf: csrfFrom(consent.text),
        decision: 'allow',
        scope: 'offline_access',
      });
      const code = new URL(back.location!).searchParams.get('code')!;
      const res = await postForm(
        spare.url,
        '/token',
        { grant_type: 'authorization_code', code, redirect_uri: PRINTER.redirectUri, code_verifier: verifier },
        { authorization: PRINTER_AUTH },
      );
      assert.equal(res.status, 200, res.body);
      const tokens = json<TokenResponse>(res);
      assert.ok(tokens.refresh_token);
      assert.equal(
        json(await postForm(spare.url, '/introspect', { token: tokens.access_token }, { authorization: PRINTER_AUTH }))
          .active,
        true,
      );
      await sleep(2100);
      assertExactlyInactive(
        await postForm(spare.url, '/introspect', { token: tokens.access_token }, { authorization: PRINTER_AUTH }),
        'expired access token',
      );
      assertExactlyInactive(
        await postForm(spare.url, '/introspect', { token: tokens.refresh_token }, { authorization: PRINTER_AUTH }),
        'expired refresh token',
      );
      const again = await postForm(
        spare.url,
        '/token',
        { grant_type: 'refresh_token', refresh_token: tokens.refresh_token },
        { authorization: PRINTER_AUTH },
      );
      assertOAuthError(again, 400, 'invalid_grant', 'refresh past the family lifetime');
      assert.equal(decodeJwt(tokens.access_token).exp! - decodeJwt(tokens.access_token).iat!, 1);
    });
  });
});

describe('docs/security.md §I3, §I4, §I5, RFC 7009: revocation', () => {
  it('RFC 7009 §2.2: revoking an unknown token answers 200', async () => {
    for (const token of ['unknown', 'x'.repeat(43), 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.AAAA']) {
      const res = await revoke(token);
      assert.equal(res.status, 200, `${token}: ${res.body}`);
    }
    assert.equal((await revoke('unknown', { hint: 'refresh_token' })).status, 200);
    assert.equal(
      (await revoke('unknown', { hint: 'no_such_hint' })).status,
      200,
      'RFC 7009 §2.2.1: an unsupported hint may be ignored',
    );
  });

  it('RFC 7009 §2.1: revoking a refresh token revokes its whole family and the access tokens of that grant', async () => {
    const t = await codeFlowTokens({ user: 'alice' });
    const r1 = json<TokenResponse>(await refresh(t.refresh_token!));
    assert.equal((await revoke(r1.refresh_token!, { hint: 'refresh_token' })).status, 200);
    assert.equal(await isActive(r1.refresh_token!), false, 'the revoked refresh token');
    assertOAuthError(await refresh(r1.refresh_token!), 400, 'invalid_grant', 'refresh with the revoked token');
    assert.equal(await isActive(t.access_token), false, 'the first access token of the grant');
    assert.equal(await isActive(r1.access_token), false, 'the access token issued with the revoked refresh token');
  });

  it('RFC 7009 §2.1: revoking an access token makes it inactive at once', async () => {
    const t = await codeFlowTokens({ user: 'bob' });
    assert.equal((await revoke(t.access_token, { hint: 'access_token' })).status, 200);
    assert.equal(await isActive(t.access_token), false);
  });

  it('RFC 7009 §2.1: a client_credentials token (no grant, no user) is active until its own client revokes it, then inactive at once; the printer may not revoke it', async () => {
    const printLab = { client_id: PRINT_LAB.clientId, client_secret: PRINT_LAB.secret };
    const issue = async () => {
      const res = await tokenRequest({ grant_type: 'client_credentials', ...printLab }, null);
      assert.equal(res.status, 200, res.body);
      return json<TokenResponse>(res).access_token;
    };
    const [token, other] = [await issue(), await issue()];
    assert.equal(await isActive(token, DRIVE_AUTH), true, 'active for the resource server it is for');
    assertOAuthError(await revoke(token), 400, 'invalid_grant', "the printer revoking print-lab's token");
    assert.equal(await isActive(token, DRIVE_AUTH), true, 'still active');
    assert.equal((await revoke(token, { auth: null, fields: printLab })).status, 200);
    assert.equal(await isActive(token, DRIVE_AUTH), false, 'revoked by its client');
    assert.equal(await isActive(other, DRIVE_AUTH), true, 'another token of the same client is untouched');
  });

  it("RFC 7009 §2.1: a client cannot revoke another client's token (drive tries the printer's tokens: refused with 400 invalid_grant, and nothing happens)", async () => {
    const t = await codeFlowTokens({ user: 'bob' });
    // §2.1: "the request is refused and the client is informed of the error"; §2.2.1: an RFC 6749 §5.2 error.
    assertOAuthError(
      await revoke(t.access_token, { auth: DRIVE_AUTH }),
      400,
      'invalid_grant',
      "drive revoking the printer's access token",
    );
    assertOAuthError(
      await revoke(t.refresh_token!, { auth: DRIVE_AUTH }),
      400,
      'invalid_grant',
      "drive revoking the printer's refresh token",
    );
    assert.equal(await isActive(t.access_token), true, 'the access token is still active');
    assert.equal(await isActive(t.refresh_token!), true, 'the refresh token is still active');
    assert.equal((await refresh(t.refresh_token!)).status, 200, 'and still works');
  });

  it("RFC 7009 §2.1: the public client cannot revoke the printer's token either", async () => {
    const t = await codeFlowTokens({ user: 'bob' });
    const res = await revoke(t.access_token, { auth: null, fields: { client_id: 'photo-printer-browser' } });
    assert.ok(
      res.status === 400 || res.status === 401,
      `got ${res.status}: refused, as unauthenticated or as another client's token`,
    );
    assert.equal(await isActive(t.access_token), true);
  });

  it("RFC 7009 §2.1, §2.2: another client's token is refused, an unknown token is 200, and neither changes anything", async () => {
    const t = await codeFlowTokens({ user: 'bob' });
    assertOAuthError(
      await revoke(t.access_token, { auth: DRIVE_AUTH }),
      400,
      'invalid_grant',
      "another client's token",
    );
    // §2.2: "invalid tokens do not cause an error response since the client cannot handle such an error".
    assert.equal((await revoke('no-such-token', { auth: DRIVE_AUTH })).status, 200, 'an unknown token');
    assert.equal(await isActive(t.access_token), true, 'the owner keeps its token');
  });
});
