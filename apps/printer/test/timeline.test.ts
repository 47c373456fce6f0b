/**
 * Issue 5, "make the invisible visible", over HTTP against stub peers: the W3C trace on every back-channel call,
 * the merged timeline (order, lanes, steps, masking, instructor mode, a peer down or not recording), the token
 * inspector (a real ES256 signature against a local JWKS, and a tampered one), and step-through mode.
 */
import assert from 'node:assert/strict';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { after, beforeEach, describe, it } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { newSpanId, parseTraceparent } from '@oauth-demo/teaching';
import {
  Browser,
  CLIENT_ID,
  CLIENT_SECRET,
  PHOTOS,
  type StubAuth,
  type StubDrive,
  connect,
  startStubStack,
} from './helpers.js';

/** What the stubs "recorded", per trace id, in the shape of @oauth-demo/teaching's Exchange. */
const authRecords = new Map<string, unknown[]>();
const driveRecords = new Map<string, unknown[]>();
const recordingRequests: { party: string; url: string; authorization: string | undefined }[] = [];
let authRecordingState: 'ok' | 'off' | 'down' = 'ok';

const KID = 'test-kid-1';
const keyPair = await generateKeyPair('ES256');
const publicJwk = { ...(await exportJWK(keyPair.publicKey)), kid: KID, alg: 'ES256', use: 'sig' };

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' }).end(JSON.stringify(body));
}

function exchange(fields: Record<string, unknown>): Record<string, unknown> {
  return { id: newSpanId(), durationMs: 2, request: { headers: {} }, response: { headers: {} }, ...fields };
}

function serveRecordings(party: string, records: Map<string, unknown[]>) {
  return (req: IncomingMessage, url: URL, _body: string, res: ServerResponse): boolean => {
    const m = /^\/_demo\/recordings\/([0-9a-f]{32})$/.exec(url.pathname);
    if (!m) return false;
    recordingRequests.push({ party, url: req.url ?? '', authorization: req.headers.authorization });
    if (party === 'auth' && authRecordingState === 'off') json(res, 404, { error: 'not_found' });
    else if (party === 'auth' && authRecordingState === 'down') req.socket.destroy();
    else json(res, 200, { exchanges: records.get(m[1] ?? '') ?? [] });
    return true;
  };
}

const stack = await startStubStack({ configureStubs: recordLikeThePeers });
const { tokens, auth, drive, printer } = stack;
after(() => stack.stop());

beforeEach(() => {
  stack.reset();
  recordingRequests.length = 0;
  authRecordingState = 'ok';
});

/** Like the real peers: a JWKS, and /_demo/recordings of the exchanges filed under each traceparent. */
function recordLikeThePeers({ auth, drive }: { auth: StubAuth; drive: StubDrive }): void {
  auth.metadata = { jwks_uri: `${auth.publicUrl}/jwks` };
  const authRecordings = serveRecordings('auth', authRecords);
  auth.extra = (req, url, body, res) => {
    if (url.pathname === '/jwks') {
      json(res, 200, { keys: [publicJwk] });
      return true;
    }
    // Like the real auth server, file the token request under the traceparent it carries (step 5, note step 6).
    if (req.method === 'POST' && url.pathname === '/token') {
      const trace = parseTraceparent(req.headers.traceparent as string | undefined);
      if (trace) {
        const list = authRecords.get(trace.traceId) ?? [];
        list.push(
          exchange({
            traceId: trace.traceId,
            recordedBy: 'auth',
            from: 'printer',
            to: 'auth',
            channel: 'back',
            step: new URLSearchParams(body).get('grant_type') === 'client_credentials' ? 2 : 5,
            label: 'Token request: the code and its code_verifier',
            note: 'Step 6: the token response',
            at: Date.now(),
            request: {
              method: 'POST',
              url: '/token',
              headers: { traceparent: req.headers.traceparent, authorization: 'Basic cGhvdG8…(masked)' },
              body: 'grant_type=authorization_code&code=code-1&code_verifier=abcdef…(43 chars, masked)',
            },
            response: {
              status: 200,
              headers: { 'content-type': 'application/json' },
              body: '{"access_token":"at-xyz…(masked)"}',
            },
          }),
        );
        authRecords.set(trace.traceId, list);
      }
    }
    return authRecordings(req, url, body, res);
  };
  const driveRecordings = serveRecordings('drive', driveRecords);
  drive.extra = (req, url, body, res) => {
    const trace = parseTraceparent(req.headers.traceparent as string | undefined);
    if (trace && url.pathname === '/api/photos') {
      const list = driveRecords.get(trace.traceId) ?? [];
      list.push(
        exchange({
          traceId: trace.traceId,
          recordedBy: 'drive',
          from: 'printer',
          to: 'drive',
          channel: 'back',
          step: 7,
          label: 'Drive API call: GET /api/photos',
          note: 'Step 8: token valid: sub=alice, client_id=photo-printer, scope="photos.read"',
          at: Date.now(),
          request: {
            method: 'GET',
            url: '/api/photos',
            headers: { traceparent: req.headers.traceparent, authorization: 'Bearer at-xyz…(masked)' },
          },
          response: { status: 200, headers: {} },
        }),
      );
      driveRecords.set(trace.traceId, list);
    }
    return driveRecordings(req, url, body, res);
  };
}

/** The trace id of the browser's current flow, as the timeline page names it. */
async function currentTraceId(browser: Browser): Promise<string> {
  const page = await browser.get('/timeline');
  const id = /Trace id <code>([0-9a-f]{32})<\/code>/.exec(page.text)?.[1];
  assert.ok(id, 'the timeline names the trace id');
  return id;
}

/** Add the front-channel hops the real auth server records between /authorize and the consent's redirect. */
function addAuthFrontChannel(traceId: string, startedAt: number): void {
  const list = authRecords.get(traceId) ?? [];
  list.push(
    exchange({
      traceId,
      recordedBy: 'auth',
      from: 'browser',
      to: 'auth',
      channel: 'front',
      step: 2,
      label: 'Authorization request (response_type=code)',
      at: startedAt + 1,
      response: { status: 303, headers: { location: '/interaction/x' } },
    }),
    exchange({
      traceId,
      recordedBy: 'auth',
      from: 'browser',
      to: 'auth',
      channel: 'front',
      step: 3,
      label: 'Sign-in page',
      at: startedAt + 2,
      response: { status: 200, headers: {} },
    }),
    exchange({
      traceId,
      recordedBy: 'auth',
      from: 'browser',
      to: 'auth',
      channel: 'front',
      step: 4,
      label: 'Consent: Allow (the answer goes back)',
      at: startedAt + 3,
      response: {
        status: 303,
        headers: { location: 'http://localhost:3999/callback?code=abc…(masked)&state=s&iss=x' },
      },
    }),
  );
  authRecords.set(traceId, list);
}

/** The rows of the sequence diagram: [kind, from, to, step]. */
function rows(html: string): { kind: string; from: string; to: string; step: string; channel: string }[] {
  return [
    ...html.matchAll(/data-kind="(\w+)" data-from="(\w+)" data-to="(\w+)" data-step="(\d*)" data-channel="(\w+)"/g),
  ].map((m) => ({
    kind: m[1] ?? '',
    from: m[2] ?? '',
    to: m[3] ?? '',
    step: m[4] ?? '',
    channel: m[5] ?? '',
  }));
}

describe('trace per flow (W3C traceparent on the back channel)', () => {
  it('sends the session flow’s trace id and User-Agent photo-printer/1.0 on the token request and the Drive call', async () => {
    const browser = new Browser(printer.base);
    await connect(browser, auth.publicUrl);
    await browser.get('/photos');
    const traceId = await currentTraceId(browser);
    const token = auth.tokenRequests.at(-1);
    assert.ok(token);
    assert.equal(parseTraceparent(token.headers.traceparent as string)?.traceId, traceId);
    assert.equal(token.headers['user-agent'], 'photo-printer/1.0');
    const list = drive.requests.find((r) => r.url === '/api/photos');
    assert.ok(list, 'Drive was called');
    assert.equal(parseTraceparent(list.headers.traceparent as string)?.traceId, traceId);
    assert.equal(list.headers['user-agent'], 'photo-printer/1.0');
    // A new span per call, under the same trace.
    assert.notEqual(
      parseTraceparent(list.headers.traceparent as string)?.parentId,
      parseTraceparent(token.headers.traceparent as string)?.parentId,
    );
  });

  it('starts a new trace for each flow, and another browser has its own', async () => {
    const a = new Browser(printer.base);
    await connect(a, auth.publicUrl);
    const first = await currentTraceId(a);
    await connect(a, auth.publicUrl);
    const second = await currentTraceId(a);
    assert.notEqual(first, second);
    const b = new Browser(printer.base);
    await connect(b, auth.publicUrl);
    assert.notEqual(await currentTraceId(b), second);
    // A learner sees only their own flows: another session's trace id is not shown.
    const other = await b.get(`/timeline?trace=${second}`);
    assert.equal(other.status, 404);
    assert.doesNotMatch(other.text, new RegExp(`Trace id <code>${second}`));
    assert.match(other.text, /not a flow of this browser session/);
  });

  it('a flow ends with its last step: a later photos visit is a flow of its own, the import is not re-opened (issue 13)', async () => {
    const browser = new Browser(printer.base);
    await connect(browser, auth.publicUrl);
    await browser.get('/photos'); // steps 7-8: Drive answers, the import's last step
    const traceId = await currentTraceId(browser);
    const lists = () => drive.requests.filter((r) => r.url === '/api/photos');
    assert.equal(lists().length, 1);
    assert.equal(parseTraceparent(lists()[0]!.headers.traceparent as string)?.traceId, traceId);
    const importDriveCalls = async () =>
      rows((await browser.get(`/timeline?trace=${traceId}`)).text).filter(
        (x) => x.kind === 'request' && x.from === 'printer' && x.to === 'drive',
      );
    assert.equal((await importDriveCalls()).length, 1, 'one Drive call in the import flow');
    // Later, the photos page again: a new flow ("Your photos 1", steps 7-8 only), its thumbnails in it.
    const again = await browser.get('/photos');
    const visitId = await currentTraceId(browser);
    assert.notEqual(visitId, traceId, 'the later visit has its own trace');
    assert.equal(lists().length, 2);
    assert.equal(parseTraceparent(lists()[1]!.headers.traceparent as string)?.traceId, visitId);
    const thumb = /src="(\/photos\/[^"]+\/image\?flow=[0-9a-f]{32})"/.exec(again.text)?.[1];
    assert.ok(thumb?.endsWith(`flow=${visitId}`), 'its thumbnails are loaded in its flow');
    await browser.get(thumb!);
    const image = drive.requests.at(-1)!;
    assert.match(image.url, /\/content$/);
    assert.equal(parseTraceparent(image.headers.traceparent as string)?.traceId, visitId);
    const visit = await browser.get(`/timeline?trace=${visitId}`);
    assert.match(visit.text, /Your photos 1/);
    assert.match(visit.text, /Your photos with the token Photo Printer holds/);
    const visitRows = rows(visit.text);
    const steps = new Set(visitRows.map((x) => x.step).filter((n) => n !== ''));
    assert.deepEqual([...steps].sort(), ['7', '8'], 'steps 7-8 only');
    assert.ok(
      visitRows.some((x) => x.kind === 'request' && x.from === 'printer' && x.to === 'drive' && x.step === '7'),
    );
    // The import flow is unchanged: still one photo list in it.
    assert.equal((await importDriveCalls()).length, 1, 'the import flow is not re-absorbed');
    // A thumbnail loaded without ?flow= belongs to no flow.
    await browser.get(`/photos/${PHOTOS[0]!.id}/image`);
    assert.equal(drive.requests.at(-1)!.headers.traceparent, undefined, 'a bare thumbnail carries no trace');
    // A second visit: a second flow.
    await browser.get('/photos');
    const second = await currentTraceId(browser);
    assert.notEqual(second, visitId);
    assert.match((await browser.get('/timeline')).text, /Your photos 2/);
    // A new import gets its own trace again.
    await connect(browser, auth.publicUrl);
    assert.notEqual(await currentTraceId(browser), second);
  });

  it('placing an order is a flow of its own: the photos fetched from Drive for it are steps 7-8 of "Order 1"', async () => {
    const browser = new Browser(printer.base);
    await connect(browser, auth.publicUrl);
    const photos = await browser.get('/photos'); // the import's last step
    const importId = await currentTraceId(browser);
    const seen = drive.requests.length;
    const placed = await browser.post('/orders', {
      csrf: Browser.csrf(photos),
      photo: [PHOTOS[0]!.id],
      size: '5x7',
      copies: '1',
    });
    assert.equal(placed.status, 303);
    const orderId = await currentTraceId(browser);
    assert.notEqual(orderId, importId, 'the order has its own trace');
    const calls = drive.requests.slice(seen);
    assert.ok(calls.length > 0, 'the order fetched the photo from Drive');
    for (const call of calls)
      assert.equal(parseTraceparent(call.headers.traceparent as string)?.traceId, orderId, call.url);
    const page = await browser.get(`/timeline?trace=${orderId}`);
    assert.match(page.text, /Order 1 \(order [A-Za-z0-9_-]+\)/);
    assert.match(page.text, /An order: Photo Printer fetches the chosen photos/);
    const steps = new Set(
      rows(page.text)
        .map((x) => x.step)
        .filter((n) => n !== ''),
    );
    assert.deepEqual([...steps].sort(), ['7', '8'], 'steps 7-8 only');
  });

  it('the print lab (client credentials) runs in its own trace', async () => {
    const browser = new Browser(printer.base);
    const page = await browser.get('/print-lab');
    await browser.post('/print-lab', { csrf: Browser.csrf(page) });
    const traceId = await currentTraceId(browser);
    const cc = auth.tokenRequests.find((r) => r.form.get('grant_type') === 'client_credentials');
    assert.equal(parseTraceparent(cc?.headers.traceparent as string)?.traceId, traceId);
    const timeline = await browser.get('/timeline');
    assert.match(timeline.text, /The print lab \(no user\)/);
    const r = rows(timeline.text);
    assert.ok(
      r.some((x) => x.kind === 'request' && x.from === 'printer' && x.to === 'auth' && x.step === '2'),
      'step 2: printer → auth',
    );
    assert.ok(
      r.some((x) => x.kind === 'response' && x.from === 'auth' && x.to === 'printer' && x.step === '6'),
      'step 6: auth → printer',
    );
    assert.ok(
      r.some((x) => x.kind === 'request' && x.from === 'printer' && x.to === 'drive' && x.step === '7'),
      'step 7: printer → drive',
    );
  });
});

describe('the timeline', () => {
  it('merges the three recordings into one ordered sequence: steps 1-8, lanes, no duplicate of the token request', async () => {
    const browser = new Browser(printer.base);
    const home = await browser.get('/');
    await browser.post('/import', { csrf: Browser.csrf(home) });
    const traceId = await currentTraceId(browser);
    // The auth server's side of the flow happens after the printer's redirect (step 2): stamped once /import answered,
    // never at a guessed offset from the start (a busy machine takes longer than any offset).
    addAuthFrontChannel(traceId, Date.now());
    await new Promise((r) => setTimeout(r, 20));
    // Finish the flow in this browser: the pending state is the one /import made.
    const pending = await browser.post('/import', { csrf: Browser.csrf(home) });
    const state = new URL(pending.location ?? '').searchParams.get('state') ?? '';
    const trace2 = await currentTraceId(browser);
    addAuthFrontChannel(trace2, Date.now());
    await new Promise((r) => setTimeout(r, 10));
    await browser.get(`/callback?${new URLSearchParams({ code: 'code-1', state, iss: auth.publicUrl })}`);
    // The page that finishes the flow, and its thumbnails (loaded as part of the flow, ?flow=).
    const photos = await browser.get('/photos');
    const thumbnails = [...photos.text.matchAll(/<img src="(\/photos\/[^"]+\/image\?flow=[0-9a-f]{32})"/g)].map(
      (m) => m[1]!,
    );
    assert.equal(thumbnails.length, PHOTOS.length);
    for (const src of thumbnails) assert.equal((await browser.get(src.replace(/&amp;/g, '&'))).status, 200);

    const page = await browser.get('/timeline');
    assert.equal(page.status, 200);
    // One thumbnail call is shown; the other two are folded under it.
    assert.match(page.text, /data-repeats="2"/);
    assert.match(page.text, /and 2 more calls like this[\s\S]*?GET \/api\/photos\/:id\/content/);
    const r = rows(page.text);
    const firstIndex = (step: number) => r.findIndex((x) => x.step === String(step));
    for (let step = 1; step <= 8; step++) assert.ok(firstIndex(step) >= 0, `step ${step} is on the timeline`);
    for (let step = 2; step <= 8; step++)
      assert.ok(firstIndex(step - 1) < firstIndex(step), `step ${step - 1} comes before step ${step}`);
    const at = (step: number) => r[firstIndex(step)];
    assert.deepEqual([at(1)?.from, at(1)?.to], ['browser', 'printer']);
    assert.deepEqual([at(2)?.from, at(2)?.to], ['printer', 'browser'], 'step 2 begins with the printer’s redirect');
    assert.ok(
      r.some((x) => x.step === '2' && x.from === 'browser' && x.to === 'auth' && x.channel === 'front'),
      'step 2: browser → auth',
    );
    assert.ok(
      r.some((x) => x.step === '4' && x.from === 'auth' && x.to === 'browser'),
      'step 4: auth → browser (the redirect with the code)',
    );
    assert.ok(
      r.some((x) => x.step === '4' && x.from === 'browser' && x.to === 'printer'),
      'step 4: the code arrives at the printer',
    );
    assert.deepEqual([at(5)?.from, at(5)?.to, at(5)?.channel], ['printer', 'auth', 'back']);
    assert.deepEqual([at(6)?.from, at(6)?.to], ['auth', 'printer']);
    assert.deepEqual([at(7)?.from, at(7)?.to], ['printer', 'drive']);
    assert.deepEqual([at(8)?.from, at(8)?.to], ['drive', 'printer']);
    // The token request was recorded by the printer AND the auth server: one arrow, joined by traceparent.
    assert.equal(r.filter((x) => x.kind === 'request' && x.step === '5').length, 1);
    assert.match(page.text, /recorded by Auth server and Photo Printer/);
    assert.match(page.text, /Photo Printer’s own copy of this call/);
    assert.match(page.text, /token valid: sub=alice/);
    // Masked by default: the printer's own copy does not show the client secret; its code_verifier is shown, the code
    // it proves being spent (an exercise asks the learner to hash it: recorder.ts showSpentCodeVerifier).
    assert.match(page.text, /grant_type=authorization_code/);
    assert.ok(
      !page.text.includes(Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')),
      'client secret masked',
    );
    assert.match(page.text, /code_verifier=[A-Za-z0-9_-]{43}/);
    assert.match(page.text, /data-source="auth" data-state="ok"/);
    assert.match(page.text, /data-source="drive" data-state="ok"/);
    // The peers were asked without credentials (masked records).
    assert.ok(recordingRequests.every((q) => q.authorization === undefined && !q.url.includes('reveal')));
    // The diagram is HTML and CSS from this origin: no inline style, no script.
    assert.doesNotMatch(page.text, /style="|<script/);
    assert.match(page.text, /href="\/assets\/printer\/teaching.css"/);
  });

  it('instructor mode reveals the printer’s own records and asks the auth server with ?reveal=1 and Basic auth', async () => {
    const browser = new Browser(printer.base);
    await connect(browser, auth.publicUrl);
    const panel = await browser.get('/timeline');
    const switched = await browser.post('/teaching', {
      csrf: Browser.csrf(panel),
      instructor: 'on',
      back: '/timeline',
    });
    assert.equal(switched.status, 303);
    assert.equal(switched.location, '/timeline');
    const page = await browser.get('/timeline');
    assert.match(page.text, /<body class="tone-client instructor">/, 'larger type: a body class');
    assert.match(page.text, /Drive’s stay masked/);
    assert.ok(
      page.text.includes(Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')),
      'the Basic credentials are shown',
    );
    assert.match(page.text, /code_verifier=[A-Za-z0-9_-]{43}/);
    const revealed = recordingRequests.find((q) => q.party === 'auth' && /[?&]reveal=1(&|$)/.test(q.url));
    assert.ok(revealed, 'the auth server was asked for unmasked records');
    assert.equal(revealed.authorization, `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`);
    assert.ok(recordingRequests.filter((q) => q.party === 'drive').every((q) => !q.url.includes('reveal')));
    assert.match(page.text, /ACCESS_TOKEN_TTL=60/, 'the instructor panel documents short lifetimes');
    // The switch refuses to send the browser elsewhere.
    const evil = await browser.post('/teaching', {
      csrf: Browser.csrf(panel),
      instructor: 'off',
      back: '//evil.test/x',
    });
    assert.equal(evil.location, '/timeline');
  });

  it('shows a peer that is down or not recording as such, not as an error', async () => {
    const browser = new Browser(printer.base);
    await connect(browser, auth.publicUrl);
    authRecordingState = 'off';
    let page = await browser.get('/timeline');
    assert.equal(page.status, 200);
    assert.match(page.text, /data-source="auth" data-state="off"/);
    assert.match(page.text, /recording off/);
    // The printer's own copy of the token request still shows.
    assert.ok(rows(page.text).some((x) => x.step === '5' && x.from === 'printer' && x.to === 'auth'));
    authRecordingState = 'down';
    page = await browser.get('/timeline');
    assert.equal(page.status, 200);
    assert.match(page.text, /data-source="auth" data-state="down"/);
  });

  it('without a flow, says how to start one; the quick-print limits are explained', async () => {
    const page = await new Browser(printer.base).get('/timeline');
    assert.equal(page.status, 200);
    assert.match(page.text, /No flow yet/);
    assert.match(page.text, /Quick print<\/a> page cannot be traced here/);
  });

  it('is linked from the flow pages', async () => {
    const browser = new Browser(printer.base);
    await connect(browser, auth.publicUrl);
    for (const path of ['/', '/photos', '/print-lab', '/kiosk']) {
      const page = await browser.get(path);
      assert.match(page.text, /href="\/timeline(\?trace=[0-9a-f]{32})?"/, `${path} links to the timeline`);
      assert.match(page.text, /Glossary: the notes’ five terms/, `${path} has the glossary`);
    }
  });
});

describe('the token inspector', () => {
  async function sign(claims: Record<string, unknown>, kid = KID): Promise<string> {
    return new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid }).sign(keyPair.privateKey);
  }
  const now = () => Math.floor(Date.now() / 1000);

  it('verifies a real signature against the JWKS, and calls a tampered token invalid', async () => {
    const browser = new Browser(printer.base);
    const page = await browser.get('/inspect');
    assert.equal(page.status, 200);
    const token = await sign({
      iss: auth.publicUrl,
      sub: 'alice',
      aud: 'drive',
      client_id: 'photo-printer',
      scope: 'photos.read',
      iat: now(),
      exp: now() + 120,
      jti: 'j-1',
    });
    const valid = await browser.post('/inspect', { csrf: Browser.csrf(page), token });
    assert.match(valid.text, /data-signature="valid"/);
    assert.match(valid.text, /Signature valid:\s*key <code>test-kid-1<\/code>, algorithm <code>ES256<\/code>/);
    assert.match(valid.text, /Expires in 1[12]\d s/);
    assert.match(valid.text, /data-claim="aud"/);
    assert.match(valid.text, /Audience: the Resource Server/);

    const [h, p, s] = token.split('.');
    const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString()) as Record<string, unknown>;
    const tampered = `${h}.${Buffer.from(JSON.stringify({ ...claims, scope: 'photos.read photos.write' })).toString('base64url')}.${s}`;
    const invalid = await browser.post('/inspect', { csrf: Browser.csrf(page), token: tampered });
    assert.match(invalid.text, /data-signature="invalid"/);
    assert.match(invalid.text, /signature invalid/);

    const otherKey = await browser.post('/inspect', {
      csrf: Browser.csrf(page),
      token: await sign({ sub: 'x' }, 'unknown-kid'),
    });
    assert.match(otherKey.text, /data-signature="invalid"/);
    assert.match(otherKey.text, /no key in the auth server’s JWKS has this kid/);

    const expired = await browser.post('/inspect', {
      csrf: Browser.csrf(page),
      token: await sign({ sub: 'alice', iat: now() - 200, exp: now() - 100 }),
    });
    assert.match(expired.text, /data-signature="valid"/);
    assert.match(expired.text, /expired: Drive would refuse it/);

    const opaque = await browser.post('/inspect', { csrf: Browser.csrf(page), token: 'rt-abcdefghijklmnop' });
    assert.match(opaque.text, /opaque value/);
  });

  it('lists the tokens of the session: the code and the refresh token as opaque, masked unless instructor mode', async () => {
    const browser = new Browser(printer.base);
    await connect(browser, auth.publicUrl);
    const page = await browser.get('/inspect');
    assert.match(page.text, /data-kind="authorization_code"/);
    assert.match(page.text, /data-kind="refresh_token"/);
    assert.match(page.text, /data-kind="access_token"/);
    assert.match(page.text, /Only the auth server can tell what it means/);
    const refresh = [...tokens.refresh.keys()].at(-1) ?? '';
    assert.ok(!page.text.includes(refresh), 'the refresh token is masked');
    await browser.post('/teaching', { csrf: Browser.csrf(page), instructor: 'on', back: '/inspect' });
    const revealed = await browser.get('/inspect');
    assert.ok(revealed.text.includes(refresh), 'instructor mode shows it whole');
  });
});

describe('step-through mode', () => {
  it('pauses before the redirect to /authorize, on the redirect back, and before the token request', async () => {
    const browser = new Browser(printer.base);
    const home = await browser.get('/');
    const on = await browser.post('/teaching', { csrf: Browser.csrf(home), stepThrough: 'on', back: '/' });
    assert.equal(on.location, '/');

    // 1. Before step 2.
    const imported = await browser.post('/import', { csrf: Browser.csrf(home) });
    assert.equal(imported.status, 303);
    assert.equal(imported.location, '/step');
    let page = await browser.get('/step');
    assert.equal(page.status, 200);
    assert.match(page.text, /Step 2: Photo Printer is about to send your browser to the authorization server/);
    for (const name of [
      'response_type',
      'client_id',
      'redirect_uri',
      'scope',
      'state',
      'code_challenge',
      'code_challenge_method',
    ]) {
      assert.match(page.text, new RegExp(`data-param="${name}"`), `${name} is explained`);
    }
    assert.match(page.text, new RegExp(`<form method="get" action="${auth.publicUrl}/authorize"`));
    assert.match(page.text, /<button type="submit">Continue<\/button>/);
    const state = /name="state" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    assert.ok(state);

    // 2. The redirect back arrives: nothing is checked or sent yet.
    const back = await browser.get(
      `/callback?${new URLSearchParams({ code: 'code-step', state, iss: auth.publicUrl })}`,
    );
    assert.equal(back.location, '/step');
    page = await browser.get('/step');
    assert.match(page.text, /Step 4: your browser has just come back/);
    for (const name of ['code', 'state', 'iss']) assert.match(page.text, new RegExp(`data-param="${name}"`));
    assert.equal(auth.tokenRequests.length, 0, 'no token request yet');

    // 3. Continue: the checks pass; the token request is shown before it is sent.
    let next = await browser.post('/step/continue', { csrf: Browser.csrf(page) });
    assert.equal(next.location, '/step');
    page = await browser.get('/step');
    assert.match(page.text, /Step 5: Photo Printer is about to call the token endpoint/);
    for (const name of ['grant_type', 'code', 'redirect_uri', 'code_verifier', 'Authorization'])
      assert.match(page.text, new RegExp(`data-param="${name}"`));
    assert.match(page.text, /authorization_code/);
    assert.match(page.text, /masked/);
    assert.equal(auth.tokenRequests.length, 0, 'still no token request');

    // 4. Continue: sent, connected.
    assert.match(
      page.text,
      /The code has about \d+ s left/,
      'the code’s remaining lifetime is shown while it is alive',
    );
    // This stub auth server does not publish its code lifetime: the page says the default is assumed.
    assert.match(page.text, /codes live about 60 s here: this auth server does not say/);
    next = await browser.post('/step/continue', { csrf: Browser.csrf(page) });
    assert.equal(auth.tokenRequests.length, 1);
    assert.equal(auth.tokenRequests[0]?.form.get('code'), 'code-step');
    // 4. Step 6: the token response is shown (masked) before Photo Printer keeps it.
    assert.equal(next.location, '/step');
    page = await browser.get('/step');
    assert.match(page.text, /Step 6: the authorization server has just issued the tokens/);
    assert.match(page.text, /data-param="access_token"/);
    assert.match(page.text, /masked/);
    const drivesBefore = drive.requests.length;
    // 5. Step 7: the call to Drive is shown before it is made.
    next = await browser.post('/step/continue', { csrf: Browser.csrf(page) });
    assert.equal(next.location, '/step');
    page = await browser.get('/step');
    assert.match(page.text, /Step 7: Photo Printer is about to call Drive/);
    assert.equal(drive.requests.length, drivesBefore, 'Drive not called yet');
    next = await browser.post('/step/continue', { csrf: Browser.csrf(page) });
    assert.equal(next.location, '/photos');
    const photos = await browser.get('/photos');
    assert.equal(photos.status, 200);
    assert.match(
      photos.text,
      /Step-through mode: <span class="switch-state on">on/,
      'the switch survives the new session id',
    );
  });

  it('reloading the page Continue led to (GET /step/continue) goes back to the paused step, not a 404', async () => {
    const browser = new Browser(printer.base);
    const res = await browser.get('/step/continue');
    assert.equal(res.status, 303);
    assert.equal(res.location, '/step');
  });

  it('a second Continue on a used step does nothing', async () => {
    const browser = new Browser(printer.base);
    const home = await browser.get('/');
    const again = await browser.post('/step/continue', { csrf: Browser.csrf(home) });
    assert.equal(again.status, 303);
    assert.equal(again.location, '/');
  });
});

describe('instructor mode is guarded (it reveals secrets)', () => {
  async function tryInstructor(env: Record<string, string>, key?: string) {
    const shared = await stack.startAnotherPrinter(env);
    try {
      const browser = new Browser(shared.base);
      const panel = await browser.get('/timeline');
      return {
        panel,
        switched: await browser.post('/teaching', {
          csrf: Browser.csrf(panel),
          instructor: 'on',
          back: '/timeline',
          ...(key !== undefined ? { key } : {}),
        }),
      };
    } finally {
      await shared.close();
    }
  }

  it('is not offered on a shared deployment (a public URL other than localhost) without INSTRUCTOR_KEY', async () => {
    const { panel, switched } = await tryInstructor({ PRINTER_PUBLIC_URL: 'http://printer.example' });
    assert.match(panel.text, /Instructor mode \(which reveals secrets\) is off on this shared deployment/);
    assert.equal(switched.status, 403);
    assert.match(switched.text, /Instructor mode is not available here/);
  });

  it('asks for INSTRUCTOR_KEY when one is set, and refuses a wrong one', async () => {
    const wrong = await tryInstructor(
      { PRINTER_PUBLIC_URL: 'http://printer.example', INSTRUCTOR_KEY: 'class-of-2026' },
      'guess',
    );
    assert.match(wrong.panel.text, /<label for="instructor-key">Instructor key<\/label>/);
    assert.equal(wrong.switched.status, 403);
    assert.match(wrong.switched.text, /Instructor mode is not available here/);
    const right = await tryInstructor(
      { PRINTER_PUBLIC_URL: 'http://printer.example', INSTRUCTOR_KEY: 'class-of-2026' },
      'class-of-2026',
    );
    assert.equal(right.switched.status, 303);
  });
});

describe('Reset demo (instructor mode)', () => {
  it('asks the auth server to reset (with the printer secret), then forgets every order and session here', async () => {
    const resets: (string | undefined)[] = [];
    const previous = auth.extra;
    auth.extra = (req, url, body, res) => {
      if (req.method !== 'POST' || url.pathname !== '/_demo/reset') return previous?.(req, url, body, res) ?? false;
      resets.push(req.headers.authorization);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"reset":true}');
      return true;
    };
    try {
      const browser = new Browser(printer.base);
      await connect(browser, auth.publicUrl);
      const photos = await browser.get('/photos');
      const placed = await browser.post('/orders', {
        csrf: Browser.csrf(photos),
        photo: PHOTOS[0]!.id,
        size: '4x6',
        copies: '1',
      });
      assert.equal(placed.status, 303);
      const orderUrl = placed.location!;
      assert.equal((await browser.get(orderUrl)).status, 200);

      const learner = new Browser(printer.base);
      const notInstructor = await learner.post('/teaching/reset', { csrf: Browser.csrf(await learner.get('/')) });
      assert.equal(notInstructor.status, 403, 'only in instructor mode');
      assert.equal(resets.length, 0);

      const panel = await browser.get('/timeline');
      await browser.post('/teaching', { csrf: Browser.csrf(panel), instructor: 'on', back: '/timeline' });
      const withPanel = await browser.get('/timeline');
      assert.match(withPanel.text, />Reset class…</);
      // First a confirmation page that says what is reset; nothing happens yet.
      const asked = await browser.post('/teaching/reset', { csrf: Browser.csrf(withPanel) });
      assert.equal(asked.status, 200);
      assert.match(asked.text, /Reset the whole class\?/);
      assert.match(
        asked.text,
        /every grant, authorization code, access and refresh token on the auth server, for every user/,
      );
      assert.match(asked.text, /name="confirm" value="reset-class"/);
      assert.equal(resets.length, 0);
      assert.equal((await browser.get(orderUrl)).status, 200);
      const reset = await browser.post('/teaching/reset', { csrf: Browser.csrf(asked), confirm: 'reset-class' });
      assert.equal(reset.status, 303);
      assert.deepEqual(resets, [`Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`]);
      assert.equal((await browser.get(orderUrl)).status, 404, 'the order is gone');
      assert.doesNotMatch(
        (await browser.get('/')).text,
        /Photo Printer is connected to your Drive/,
        'the session is gone',
      );
    } finally {
      auth.extra = previous;
    }
  });
});

describe('the flow list (issue 13 item 4)', () => {
  it('shows every flow, says how many older ones were forgotten, and calls a forgotten one forgotten', async () => {
    const browser = new Browser(printer.base);
    const page = await browser.get('/print-lab');
    const ids: string[] = [];
    for (let i = 0; i < 22; i++) {
      await browser.post('/print-lab', { csrf: Browser.csrf(page) });
      ids.push(await currentTraceId(browser));
    }
    const timeline = await browser.get('/timeline');
    assert.equal(
      [...timeline.text.matchAll(/<li data-outcome="[a-z]+"><a href="\/timeline\?trace=/g)].length,
      20,
      'the last 20, all listed',
    );
    assert.match(timeline.text, /2 older flows were forgotten: a session keeps its last 20/);
    const forgotten = await browser.get(`/timeline?trace=${ids[0]}`);
    assert.equal(forgotten.status, 404);
    assert.match(forgotten.text, /This flow was forgotten/);
    assert.doesNotMatch(forgotten.text, /not a flow of this browser session/);
  });

  it('keeps a pinned flow past the cap, lists it first, and bounds the pins (issue 18 item 2)', async () => {
    const browser = new Browser(printer.base);
    let page = await browser.get('/print-lab');
    await browser.post('/print-lab', { csrf: Browser.csrf(page) });
    const first = await currentTraceId(browser);
    page = await browser.get('/timeline');
    assert.match(page.text, /Pin this flow/);
    assert.match(page.text, /a session pins at most 5 \(0 now\)/);
    const pinned = await browser.post('/timeline/pin', { csrf: Browser.csrf(page), trace: first, pin: 'on' });
    assert.equal(pinned.location, `/timeline?trace=${first}`);
    for (let i = 0; i < 22; i++) await browser.post('/print-lab', { csrf: Browser.csrf(page) });
    const timeline = await browser.get('/timeline');
    const listed = [
      ...timeline.text.matchAll(
        /<li data-outcome="[a-z]+"( data-pinned="true")?>(?:<span class="pinned-mark">Pinned<\/span> )?<a href="\/timeline\?trace=([0-9a-f]{32})/g,
      ),
    ];
    assert.equal(listed.length, 20, 'still 20 flows kept');
    assert.equal(listed[0]![2], first, 'the pinned flow first');
    assert.equal(listed[0]![1], ' data-pinned="true"');
    assert.match(timeline.text, /3 older flows were forgotten/);
    assert.equal((await browser.get(`/timeline?trace=${first}`)).status, 200, 'the pinned flow is not forgotten');
    // Four more pins reach the bound; a sixth is refused, and the page says so.
    const ids = listed.slice(1, 6).map((m) => m[2]!);
    for (const id of ids.slice(0, 4))
      await browser.post('/timeline/pin', { csrf: Browser.csrf(page), trace: id, pin: 'on' });
    const refused = await browser.post('/timeline/pin', { csrf: Browser.csrf(page), trace: ids[4]!, pin: 'on' });
    assert.equal(refused.location, `/timeline?trace=${ids[4]}&pin=full`);
    const full = await browser.get(refused.location!);
    assert.match(full.text, /Not pinned: this session already pins 5 flows/);
    assert.match(full.text, /a session pins at most 5 \(5 now\)/);
    // Unpinning makes room; another session's trace id is not a flow to pin.
    await browser.post('/timeline/pin', { csrf: Browser.csrf(page), trace: first, pin: 'off' });
    const again = await browser.post('/timeline/pin', { csrf: Browser.csrf(page), trace: ids[4]!, pin: 'on' });
    assert.equal(again.location, `/timeline?trace=${ids[4]}`);
    const other = await browser.post('/timeline/pin', { csrf: Browser.csrf(page), trace: 'f'.repeat(32), pin: 'on' });
    assert.equal(other.location, '/timeline');
  });

  it('numbers re-orders and says whether each one refreshed', async () => {
    const browser = new Browser(printer.base);
    await connect(browser, auth.publicUrl);
    const photos = await browser.get('/photos');
    const placed = await browser.post('/orders', {
      csrf: Browser.csrf(photos),
      photo: [PHOTOS[0]!.id],
      size: '4x6',
      copies: '1',
    });
    const orderPath = placed.location!;
    let order = await browser.get(orderPath);
    await browser.post(`${orderPath}/reorder`, { csrf: Browser.csrf(order) });
    order = await browser.get(orderPath);
    await browser.post(`${orderPath}/expire-access-token`, { csrf: Browser.csrf(order) });
    order = await browser.get(orderPath);
    await browser.post(`${orderPath}/reorder`, { csrf: Browser.csrf(order) });
    const timeline = await browser.get('/timeline');
    assert.match(timeline.text, /Re-order 1 \([^)]*\): the access token was still valid, no refresh/);
    // "Don't wait" only made Photo Printer treat its token as expired: the label says so, not "had expired".
    assert.match(
      timeline.text,
      /Re-order 2 \([^)]*\): the access token was treated as expired \(“Don’t wait”; it was still valid\), refreshed/,
    );
    assert.doesNotMatch(timeline.text, /Re-order 2 \([^)]*\): the access token had expired/);
  });
});
