import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildBasicAuthorization, calculateCodeChallenge, generateCodeVerifier } from '@oauth-demo/tokens';
import {
  authorize,
  BROWSER_CLIENT,
  codeFlowTokens,
  DRIVE_SECRET,
  PRINT_LAB_SECRET,
  PRINTER,
  PRINTER_SECRET,
  startAuthServer,
  tokenRequest,
  type TestServer,
} from './helpers.js';
import { openAuthDatabase } from '../src/store/index.js';

describe('Introspection RFC 7662 and revocation RFC 7009', () => {
  let server: TestServer;
  before(async () => {
    server = await startAuthServer();
  });
  after(() => server.destroy());

  const printerAuth = buildBasicAuthorization(PRINTER.clientId, PRINTER_SECRET);
  const driveAuth = buildBasicAuthorization('drive', DRIVE_SECRET);

  function post(path: string, form: Record<string, string>, auth: string | null = printerAuth) {
    const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
    if (auth) headers.authorization = auth;
    return fetch(`${server.url}${path}`, { method: 'POST', headers, body: new URLSearchParams(form) });
  }
  const introspect = async (token: string, auth?: string | null) =>
    (await (await post('/introspect', { token }, auth)).json()) as Record<string, unknown>;

  /** A token of the public browser client (no secret), for "another client's token". */
  async function browserClientToken() {
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
    const res = await tokenRequest(
      server,
      {
        grant_type: 'authorization_code',
        code: location.searchParams.get('code')!,
        redirect_uri: BROWSER_CLIENT.redirectUri,
        code_verifier: verifier,
        client_id: BROWSER_CLIENT.clientId,
      },
      { auth: null },
    );
    return ((await res.json()) as { access_token: string }).access_token;
  }

  it('RFC 8414: both endpoints are advertised in metadata', async () => {
    const metadata = (await (await fetch(`${server.url}/.well-known/oauth-authorization-server`)).json()) as Record<
      string,
      string
    >;
    assert.equal(metadata.introspection_endpoint, `${server.config.issuer}/introspect`);
    assert.equal(metadata.revocation_endpoint, `${server.config.issuer}/revoke`);
  });

  it('RFC 7662 §2.2: an active access token is described to its client and to its resource server', async () => {
    const tokens = await codeFlowTokens(server);
    for (const auth of [printerAuth, driveAuth]) {
      const body = await introspect(tokens.access_token, auth);
      assert.equal(body.active, true);
      assert.equal(body.sub, 'alice');
      assert.equal(body.client_id, PRINTER.clientId);
      assert.equal(body.scope, 'photos.read offline_access');
      assert.equal(body.aud, server.config.driveResource);
      assert.equal(body.iss, server.config.issuer);
      assert.equal(body.token_type, 'Bearer');
    }
  });

  it('RFC 7662 §2.2: a refresh token is active for its own client', async () => {
    const tokens = await codeFlowTokens(server);
    const body = await introspect(tokens.refresh_token!);
    assert.equal(body.active, true);
    assert.equal(body.token_type, 'refresh_token');
  });

  it('RFC 7662 §2.1: introspection requires client authentication (401 invalid_client)', async () => {
    const tokens = await codeFlowTokens(server);
    const res = await post('/introspect', { token: tokens.access_token }, null);
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_client');
    const wrong = await post('/introspect', { token: tokens.access_token }, buildBasicAuthorization('drive', 'wrong'));
    assert.equal(wrong.status, 401);
    assert.match(wrong.headers.get('www-authenticate')!, /^Basic/);
  });

  it('RFC 7662 §2.1: a public client (client_id only, no secret) may not introspect', async () => {
    const foreign = await browserClientToken();
    const res = await post('/introspect', { token: foreign, client_id: BROWSER_CLIENT.clientId }, null);
    assert.equal(res.status, 401);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_client');
  });

  it('a form body with broken percent-encoding is 400 invalid_request, on both endpoints', async () => {
    for (const path of ['/introspect', '/revoke']) {
      const res = await fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: printerAuth },
        body: 'token=%zz',
      });
      assert.equal(res.status, 400, path);
      assert.equal(((await res.json()) as { error: string }).error, 'invalid_request');
    }
  });

  it('RFC 7662 §2.2: unknown, tampered and other clients\' tokens are exactly {"active": false}', async () => {
    assert.deepEqual(await introspect('not-a-token'), { active: false });
    const tokens = await codeFlowTokens(server);
    const [h, p] = tokens.access_token.split('.');
    assert.deepEqual(await introspect(`${h}.${p}.AAAA`), { active: false });
    const foreign = await browserClientToken();
    assert.deepEqual(await introspect(foreign, printerAuth), { active: false });
  });

  it('RFC 7662 §2.2: an expired access token is {"active": false}', async () => {
    const shortLived = await startAuthServer({ env: { ACCESS_TOKEN_TTL: '1' } });
    try {
      const tokens = await codeFlowTokens(shortLived);
      await new Promise((r) => setTimeout(r, 2100));
      const res = await fetch(`${shortLived.url}/introspect`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: printerAuth },
        body: new URLSearchParams({ token: tokens.access_token }),
      });
      assert.deepEqual(await res.json(), { active: false });
    } finally {
      await shortLived.destroy();
    }
  });

  it('RFC 7009 §2.1: revoking an access token makes it inactive at once', async () => {
    const tokens = await codeFlowTokens(server);
    const res = await post('/revoke', { token: tokens.access_token, token_type_hint: 'access_token' });
    assert.equal(res.status, 200);
    assert.deepEqual(await introspect(tokens.access_token, driveAuth), { active: false });
    // The refresh token of the same grant still works: only that access token was revoked.
    assert.equal(
      (await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! })).status,
      200,
    );
  });

  it('RFC 7009 §2.1: revoking a refresh token revokes its family and the access tokens of its grant', async () => {
    const tokens = await codeFlowTokens(server);
    const refreshed = (await (
      await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! })
    ).json()) as { access_token: string; refresh_token: string };
    assert.equal((await post('/revoke', { token: refreshed.refresh_token })).status, 200);
    assert.deepEqual(await introspect(refreshed.access_token, driveAuth), { active: false });
    assert.deepEqual(await introspect(tokens.access_token, driveAuth), { active: false });
    assert.equal(
      (await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: refreshed.refresh_token })).status,
      400,
    );
  });

  it('a wrong token_type_hint still finds the token (RFC 7009 §2.1)', async () => {
    const tokens = await codeFlowTokens(server);
    assert.equal((await post('/revoke', { token: tokens.access_token, token_type_hint: 'refresh_token' })).status, 200);
    assert.deepEqual(await introspect(tokens.access_token, driveAuth), { active: false });
  });

  it('RFC 7009 §2.2: revoking an unknown token answers 200', async () => {
    const res = await post('/revoke', { token: 'no-such-token' });
    assert.equal(res.status, 200);
  });

  it("RFC 7009 §2.1: a client cannot revoke another client's token: refused with 400 invalid_grant, the token untouched", async () => {
    const foreign = await browserClientToken();
    const res = await post('/revoke', { token: foreign }, printerAuth);
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_grant');
    const stillActive = await post('/introspect', { token: foreign }, driveAuth);
    assert.equal(((await stillActive.json()) as { active: boolean }).active, true);
  });

  it('RFC 7009 §2.1: a client_credentials token is kept nowhere until its client revokes it, then stays revoked across a restart', async () => {
    const own = await startAuthServer();
    // print-lab, the client of the Client Credentials grant, authenticates with client_secret_post.
    const printLab = { client_id: 'print-lab', client_secret: PRINT_LAB_SECRET };
    const call = (path: string, form: Record<string, string>, auth: string | typeof printLab) =>
      fetch(`${own.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          ...(typeof auth === 'string' ? { authorization: auth } : {}),
        },
        body: new URLSearchParams({ ...form, ...(typeof auth === 'string' ? {} : auth) }),
      });
    const activeAt = async (token: string) =>
      ((await (await call('/introspect', { token }, driveAuth)).json()) as { active: boolean }).active;
    // A second connection to its database (WAL: it reads what the server committed).
    const db = openAuthDatabase(join(own.dataDir, 'auth.db'));
    const rows = () => (db.prepare('SELECT count(*) AS n FROM access_tokens').get() as { n: number }).n;
    let restarted: TestServer | undefined;
    try {
      const before = rows();
      const issued = (await (await call('/token', { grant_type: 'client_credentials' }, printLab)).json()) as {
        access_token: string;
      };
      const other = (await (await call('/token', { grant_type: 'client_credentials' }, printLab)).json()) as {
        access_token: string;
      };
      assert.equal(rows(), before, 'issuing a client_credentials token writes no row');
      assert.equal(await activeAt(issued.access_token), true, 'active by its signature, issuer, audience and exp');

      // Only its own client may revoke it (the printer is refused; the token stays active).
      assert.equal((await call('/revoke', { token: issued.access_token }, printerAuth)).status, 400);
      assert.equal(await activeAt(issued.access_token), true);
      assert.equal((await call('/revoke', { token: issued.access_token }, printLab)).status, 200);
      assert.equal(rows(), before + 1, 'the revocation is the row');
      assert.equal(await activeAt(issued.access_token), false);
      assert.equal((await call('/revoke', { token: issued.access_token }, printLab)).status, 200, 'twice is fine');
      assert.equal(await activeAt(other.access_token), true, 'another token of the same client is untouched');

      await own.stop();
      restarted = await startAuthServer({ dataDir: own.dataDir });
      const introspectAgain = async (token: string) =>
        (
          (await (
            await fetch(`${restarted!.url}/introspect`, {
              method: 'POST',
              headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: driveAuth },
              body: new URLSearchParams({ token }),
            })
          ).json()) as { active: boolean }
        ).active;
      assert.equal(await introspectAgain(issued.access_token), false, 'still revoked after a restart');
      assert.equal(await introspectAgain(other.access_token), true);
    } finally {
      db.close();
      await (restarted ?? own).destroy();
    }
  });

  it('revocation requires client authentication and a token parameter', async () => {
    assert.equal((await post('/revoke', { token: 'x' }, null)).status, 401);
    const res = await post('/revoke', {});
    assert.equal(res.status, 400);
    assert.equal(((await res.json()) as { error: string }).error, 'invalid_request');
  });
});
