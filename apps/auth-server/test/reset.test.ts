import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildBasicAuthorization } from '@oauth-demo/tokens';
import {
  codeFlowTokens,
  DRIVE_SECRET,
  PRINT_LAB_SECRET,
  PRINTER,
  PRINTER_SECRET,
  startAuthServer,
  tokenRequest,
  type TestServer,
} from './helpers.js';

describe('Reset demo (instructor)', () => {
  let server: TestServer;
  before(async () => {
    server = await startAuthServer();
  });
  after(() => server.destroy());

  const reset = (auth: string | null) =>
    fetch(`${server.url}/_demo/reset`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...(auth ? { authorization: auth } : {}) },
      body: '',
    });

  it('forgets every grant and token, keeps users, clients and the signing key; only the printer may ask', async () => {
    const jwksBefore = await (await fetch(`${server.url}/.well-known/jwks.json`)).text();
    const tokens = await codeFlowTokens(server);
    assert.equal((await reset(null)).status, 401);
    assert.equal((await reset(buildBasicAuthorization('drive', DRIVE_SECRET))).status, 401);
    const res = await reset(buildBasicAuthorization(PRINTER.clientId, PRINTER_SECRET));
    assert.equal(res.status, 200);
    assert.equal(
      (await tokenRequest(server, { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! })).status,
      400,
    );
    const introspected = await fetch(`${server.url}/introspect`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: buildBasicAuthorization('drive', DRIVE_SECRET),
      },
      body: new URLSearchParams({ token: tokens.access_token }),
    });
    assert.deepEqual(await introspected.json(), { active: false });
    assert.equal(server.app.context.store.grants.findActive('alice', PRINTER.clientId), undefined);
    assert.equal(await (await fetch(`${server.url}/.well-known/jwks.json`)).text(), jwksBefore);
    // alice can still sign in and connect again.
    const again = await codeFlowTokens(server);
    assert.ok(again.access_token);
  });

  it('a revoked client_credentials token stays revoked after a reset (its row is its revocation)', async () => {
    const printLab = { client_id: 'print-lab', client_secret: PRINT_LAB_SECRET };
    const post = (path: string, form: Record<string, string>) =>
      fetch(`${server.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ ...form, ...printLab }),
      });
    const { access_token } = (await (await post('/token', { grant_type: 'client_credentials' })).json()) as {
      access_token: string;
    };
    assert.equal((await post('/revoke', { token: access_token })).status, 200);
    assert.equal((await reset(buildBasicAuthorization(PRINTER.clientId, PRINTER_SECRET))).status, 200);
    const introspected = await post('/introspect', { token: access_token });
    assert.deepEqual(await introspected.json(), { active: false });
  });
});
