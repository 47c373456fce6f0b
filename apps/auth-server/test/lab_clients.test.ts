/**
 * The attack lab's copies of the printer (src/lab/lab_clients.ts): PKCE is optional for them and for no one
 * else, and a lab copy that did send a code_challenge is held to it like any client.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeJwt } from 'jose';
import { LAB_CLIENT_ID, LAB_FILTERS_CLIENT_ID, LAB_PUBLIC_CLIENT_ID, MALLORY } from '../src/lab/lab_clients.js';
import {
  authorize,
  authorizePath,
  Browser,
  codeFlowTokens,
  PRINTER_SECRET,
  startAuthServer,
  tokenRequest,
  validAuthorizeParams,
  type TestServer,
} from './helpers.js';
import { buildBasicAuthorization } from '@oauth-demo/tokens';

const LAB_REDIRECT = 'http://localhost:3000/lab/callback';
const NO_PKCE = { code_challenge: undefined, code_challenge_method: undefined } as unknown as Record<string, string>;

describe('Attack lab copies of the printer', () => {
  let server: TestServer;
  before(async () => {
    server = await startAuthServer();
  });
  after(() => server.destroy());

  it('the real printer still must send PKCE (docs/security.md §A3)', async () => {
    const res = await new Browser(server.url).get(authorizePath(validAuthorizeParams(NO_PKCE)));
    assert.equal(res.status, 303);
    const location = new URL(res.headers.get('location')!);
    assert.equal(location.searchParams.get('error'), 'invalid_request');
  });

  it('the confidential lab copy may ask without PKCE and redeem the code without a verifier', async () => {
    const { location } = await authorize(server, {
      params: { client_id: LAB_CLIENT_ID, redirect_uri: LAB_REDIRECT, scope: 'photos.read', ...NO_PKCE },
    });
    const code = location.searchParams.get('code');
    assert.ok(code, `no code in ${location.href}`);
    const res = await tokenRequest(
      server,
      { grant_type: 'authorization_code', code, redirect_uri: LAB_REDIRECT },
      { auth: buildBasicAuthorization(LAB_CLIENT_ID, PRINTER_SECRET) },
    );
    assert.equal(res.status, 200, await res.clone().text());
  });

  it('a lab copy that sent a code_challenge needs its verifier: invalid_grant without it', async () => {
    const { location } = await authorize(server, {
      params: { client_id: LAB_PUBLIC_CLIENT_ID, redirect_uri: LAB_REDIRECT, scope: 'photos.read' },
    });
    const code = location.searchParams.get('code')!;
    const res = await tokenRequest(
      server,
      { grant_type: 'authorization_code', code, redirect_uri: LAB_REDIRECT, client_id: LAB_PUBLIC_CLIENT_ID },
      { auth: null },
    );
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_grant');
  });

  it('Mallory has an ordinary account of her own', async () => {
    const { location } = await authorize(server, {
      user: MALLORY.id,
      password: MALLORY.password,
      params: { client_id: LAB_CLIENT_ID, redirect_uri: LAB_REDIRECT, scope: 'photos.read', ...NO_PKCE },
    });
    assert.ok(location.searchParams.get('code'));
  });

  it('the lab copy of the endpoint takes a redirect_uri by prefix, for the lab copies only; the real one refuses it (docs/security.md §A1)', async () => {
    const crafted = `${LAB_REDIRECT}/../go?to=http%3A%2F%2Flocalhost%3A4000%2Fcatch`;
    const params = validAuthorizeParams({
      client_id: LAB_PUBLIC_CLIENT_ID,
      redirect_uri: crafted,
      scope: 'photos.read',
    });
    const real = await new Browser(server.url).get(authorizePath(params));
    assert.equal(real.status, 400);
    assert.equal(real.headers.get('location'), null);
    const loose = await new Browser(server.url).get(
      authorizePath(params).replace('/authorize?', '/lab/loose-redirect/authorize?'),
    );
    assert.equal(loose.status, 303);
    assert.match(loose.headers.get('location')!, /^\/interaction\//);
    const printer = await new Browser(server.url).get(
      authorizePath(validAuthorizeParams({ redirect_uri: 'http://localhost:3000/callback/../x' })).replace(
        '/authorize?',
        '/lab/loose-redirect/authorize?',
      ),
    );
    assert.equal(printer.status, 400, 'the real printer is never served by the loose endpoint');
    assert.equal(printer.headers.get('location'), null);
  });

  it('the lab copy of the token endpoint refreshes without rotating, for the lab copies only; /token rotates (docs/security.md §T9)', async () => {
    const { location, verifier } = await authorize(server, {
      params: { client_id: LAB_PUBLIC_CLIENT_ID, redirect_uri: LAB_REDIRECT, scope: 'photos.read offline_access' },
    });
    const exchanged = await tokenRequest(
      server,
      {
        grant_type: 'authorization_code',
        code: location.searchParams.get('code')!,
        redirect_uri: LAB_REDIRECT,
        code_verifier: verifier,
        client_id: LAB_PUBLIC_CLIENT_ID,
      },
      { auth: null },
    );
    const { refresh_token } = (await exchanged.json()) as { refresh_token: string };
    assert.ok(refresh_token);
    const lab = (form: Record<string, string>, auth?: string) =>
      fetch(`${server.url}/lab/no-rotation/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...(auth ? { authorization: auth } : {}) },
        body: new URLSearchParams(form),
      });
    for (let i = 0; i < 2; i++) {
      const res = await lab({ grant_type: 'refresh_token', refresh_token, client_id: LAB_PUBLIC_CLIENT_ID });
      assert.equal(res.status, 200, await res.clone().text());
      const body = (await res.json()) as { access_token: string; refresh_token?: string };
      assert.ok(body.access_token);
      assert.equal(body.refresh_token, undefined, 'no new refresh token: the old one stays valid');
    }
    // The real endpoint rotates the same token once, and a reuse then revokes the family.
    const first = await tokenRequest(
      server,
      { grant_type: 'refresh_token', refresh_token, client_id: LAB_PUBLIC_CLIENT_ID },
      { auth: null },
    );
    assert.equal(first.status, 200);
    const rotated = ((await first.json()) as { refresh_token: string }).refresh_token;
    const reuse = await lab({ grant_type: 'refresh_token', refresh_token, client_id: LAB_PUBLIC_CLIENT_ID });
    assert.equal(reuse.status, 400, 'a rotated token is refused by the lab endpoint too');
    const refused = (await reuse.json()) as { error: string; error_description: string };
    assert.equal(refused.error, 'invalid_grant');
    assert.match(refused.error_description, /already used/);
    const afterReuse = await tokenRequest(
      server,
      { grant_type: 'refresh_token', refresh_token: rotated, client_id: LAB_PUBLIC_CLIENT_ID },
      { auth: null },
    );
    assert.equal(afterReuse.status, 400, 'the reuse revoked the whole family, the newer token with it');
    // The real printer is never served.
    const printer = await lab(
      { grant_type: 'refresh_token', refresh_token: 'x' },
      buildBasicAuthorization('photo-printer', PRINTER_SECRET),
    );
    assert.equal(printer.status, 400);
    assert.equal(((await printer.json()) as { error: string }).error, 'unauthorized_client');
  });

  it('the filters-partner lab copy gets tokens for the other API (aud), every other client for Drive', async () => {
    const { location, verifier } = await authorize(server, {
      params: { client_id: LAB_FILTERS_CLIENT_ID, redirect_uri: LAB_REDIRECT, scope: 'photos.read' },
    });
    const res = await tokenRequest(
      server,
      {
        grant_type: 'authorization_code',
        code: location.searchParams.get('code')!,
        redirect_uri: LAB_REDIRECT,
        code_verifier: verifier,
        client_id: LAB_FILTERS_CLIENT_ID,
      },
      { auth: null },
    );
    assert.equal(res.status, 200, await res.clone().text());
    const claims = decodeJwt(((await res.json()) as { access_token: string }).access_token);
    assert.equal(claims.aud, `${server.config.attackerUrl}/api`);
    const real = await codeFlowTokens(server);
    assert.equal(decodeJwt(real.access_token).aud, server.config.driveResource);
  });
});
