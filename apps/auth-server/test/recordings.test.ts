import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { buildBasicAuthorization } from '@oauth-demo/tokens';
import { authorizationRequestKey, formatTraceparent, formatTracestate, newTraceId } from '@oauth-demo/teaching';
import {
  authorize,
  authorizePath,
  Browser,
  PRINTER,
  PRINTER_SECRET,
  startAuthServer,
  TEST_TRACE_SECRET,
  tokenRequest,
  type TestServer,
  validAuthorizeParams,
} from './helpers.js';

/** The printer's traced call: traceparent with its proof (TRACE_SECRET). */
const printerTrace = (traceId: string) => ({
  traceparent: formatTraceparent(traceId),
  tracestate: formatTracestate(TEST_TRACE_SECRET, traceId),
});

interface Exchange {
  step?: number;
  label: string;
  from: string;
  channel: string;
  request: { url?: string; body?: string; headers: Record<string, string> };
  response: { status?: number; body?: string; headers: Record<string, string> };
}

describe('Behind the scenes: what the auth server records for a flow (W3C traceparent)', () => {
  let server: TestServer;
  before(async () => {
    server = await startAuthServer();
  });
  after(() => server.destroy());

  async function flowWithTrace() {
    const traceId = newTraceId();
    const { location, verifier } = await authorize(server);
    const res = await tokenRequest(server, {
      grant_type: 'authorization_code',
      code: location.searchParams.get('code')!,
      redirect_uri: PRINTER.redirectUri,
      code_verifier: verifier,
    });
    const tokens = (await res.json()) as { access_token: string };
    // Traces travel in headers; tokenRequest has none, so do it again with one on a fresh flow.
    const second = await authorize(server);
    const traced = await fetch(`${server.url}/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: buildBasicAuthorization(PRINTER.clientId, PRINTER_SECRET),
        ...printerTrace(traceId),
        'user-agent': 'photo-printer/1',
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: second.location.searchParams.get('code')!,
        redirect_uri: PRINTER.redirectUri,
        code_verifier: second.verifier,
      }),
    });
    assert.equal(traced.status, 200);
    await fetch(`${server.url}/.well-known/jwks.json`, {
      headers: { ...printerTrace(traceId), 'user-agent': 'drive/1' },
    });
    return { traceId, firstTokens: tokens };
  }

  it('files the front channel (steps 2-4) and the back channel (5, 8) of one flow under its trace, in order', async () => {
    const { traceId } = await flowWithTrace();
    const body = (await (await fetch(`${server.url}/_demo/recordings/${traceId}`)).json()) as { exchanges: Exchange[] };
    const steps = body.exchanges.map((e) => e.step);
    assert.deepEqual(steps, [2, 3, 3, 3, 4, 5, 8]);
    const [authz, , , , consent, token, jwks] = body.exchanges;
    assert.equal(authz!.channel, 'front');
    assert.equal(authz!.from, 'browser');
    assert.match(authz!.request.url!, /response_type=code/);
    assert.equal(consent!.response.status, 303);
    assert.equal(token!.channel, 'back');
    assert.equal(token!.from, 'printer');
    assert.match(token!.request.body!, /grant_type=authorization_code/);
    assert.equal(jwks!.from, 'drive');
  });

  it('masks secrets by default: client secret, code_verifier, password, tokens, code', async () => {
    const { traceId } = await flowWithTrace();
    const body = (await (await fetch(`${server.url}/_demo/recordings/${traceId}`)).json()) as { exchanges: Exchange[] };
    const text = JSON.stringify(body);
    const login = body.exchanges.find((e) => e.label.startsWith('Sign in'))!;
    assert.match(login.request.body!, /username=alice/);
    assert.doesNotMatch(login.request.body!, /wonder/, 'the password, not even its start');
    assert.doesNotMatch(text, new RegExp(Buffer.from(`${PRINTER.clientId}:${PRINTER_SECRET}`).toString('base64')));
    assert.doesNotMatch(text, /eyJ[A-Za-z0-9_-]{20,}\.eyJ[A-Za-z0-9_-]{20,}\./, 'no whole JWT');
    assert.match(text, /masked/);
  });

  it('reveals them only to the printer, authenticated (instructor mode)', async () => {
    const { traceId } = await flowWithTrace();
    const anonymous = await fetch(`${server.url}/_demo/recordings/${traceId}?reveal=1`);
    assert.equal(anonymous.status, 401);
    const revealed = await fetch(`${server.url}/_demo/recordings/${traceId}?reveal=1`, {
      headers: { authorization: buildBasicAuthorization(PRINTER.clientId, PRINTER_SECRET) },
    });
    assert.equal(revealed.status, 200);
    assert.match(JSON.stringify(await revealed.json()), /code_verifier=[A-Za-z0-9_-]{43}/);
  });

  it('knows nothing of a trace it never saw, and a malformed id is a 404', async () => {
    assert.deepEqual(await (await fetch(`${server.url}/_demo/recordings/${newTraceId()}`)).json(), { exchanges: [] });
    assert.equal((await fetch(`${server.url}/_demo/recordings/not-a-trace`)).status, 404);
  });

  it('records nothing when switched off (TIMELINE_RECORDING=off)', async () => {
    const off = await startAuthServer({ env: { TIMELINE_RECORDING: 'off' } });
    try {
      assert.equal((await fetch(`${off.url}/_demo/recordings/${newTraceId()}`)).status, 404);
    } finally {
      await off.destroy();
    }
  });
});

describe('a refused authorization request joins the flow the printer names (its error page, or its error redirect)', () => {
  let server: TestServer;
  before(async () => {
    server = await startAuthServer();
  });
  after(() => server.destroy());

  async function recordings(traceId: string, hints: string[]): Promise<Exchange[]> {
    const query = new URLSearchParams(hints.map((h) => ['authorize', h]));
    const res = await fetch(`${server.url}/_demo/recordings/${traceId}?${query}`);
    assert.equal(res.status, 200);
    return ((await res.json()) as { exchanges: Exchange[] }).exchanges;
  }

  for (const [name, params, status, error] of [
    ['an unknown scope (error redirect)', { scope: 'photos.read photos.delete_everything' }, 303, 'invalid_scope'],
    ['a wrong redirect_uri (error page)', { redirect_uri: 'https://evil.example/callback' }, 400, 'invalid_request'],
  ] as const) {
    it(`${name}: filed under a key only the printer can compute, shown in the flow that names it`, async () => {
      const state = `state-${name.length}-${Date.now()}`;
      const res = await new Browser(server.url).get(authorizePath(validAuthorizeParams({ ...params, state })));
      assert.equal(res.status, status);
      const hint = authorizationRequestKey(TEST_TRACE_SECRET, PRINTER.clientId, state);
      const traceId = newTraceId();
      assert.deepEqual(await recordings(newTraceId(), ['x'.repeat(43)]), [], 'a wrong key finds nothing');
      assert.deepEqual(await recordings(traceId, []), [], 'nothing without the key');
      const found = await recordings(traceId, [hint]);
      assert.equal(found.length, 1);
      assert.equal(found[0]!.step, 2);
      assert.equal(found[0]!.label, `Authorization request refused: ${error}`);
      assert.equal(found[0]!.response.status, status);
      assert.match(found[0]!.request.url ?? '', new RegExp(`state=${state}`));
      // Joined once: the same key named by another flow moves nothing, and the first flow keeps it.
      assert.deepEqual(await recordings(newTraceId(), [hint]), []);
      assert.equal((await recordings(traceId, [])).length, 1);
    });
  }
});
