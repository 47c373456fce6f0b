import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  formatTraceparent,
  maskExchange,
  newTraceId,
  parseTraceparent,
  Recorder,
  showSpentCodeVerifier,
  type Exchange,
} from './recorder.js';

const exchange = (traceId: string, label = 'x', extra: Partial<Exchange> = {}): Exchange => ({
  id: '0123456789abcdef',
  traceId,
  recordedBy: 'auth',
  from: 'printer',
  to: 'auth',
  channel: 'back',
  label,
  at: Date.now(),
  durationMs: 1,
  request: { method: 'POST', url: '/token', headers: {}, body: 'grant_type=authorization_code' },
  response: { status: 200, headers: {} },
  ...extra,
});

describe('W3C traceparent', () => {
  it('round-trips and refuses malformed or all-zero ids', () => {
    const traceId = newTraceId();
    assert.equal(parseTraceparent(formatTraceparent(traceId))?.traceId, traceId);
    assert.equal(parseTraceparent(`00-${'0'.repeat(32)}-0123456789abcdef-01`), undefined);
    assert.equal(parseTraceparent('00-xyz-0123456789abcdef-01'), undefined);
    assert.equal(parseTraceparent(undefined), undefined);
  });
});

describe('Recorder', () => {
  it('keeps exchanges per trace, in order, and nothing when switched off', () => {
    const recorder = new Recorder({ enabled: true });
    const t = newTraceId();
    recorder.add(exchange(t, 'a'));
    recorder.add(exchange(t, 'b'));
    assert.deepEqual(
      recorder.list(t).map((e) => e.label),
      ['a', 'b'],
    );
    const off = new Recorder({ enabled: false });
    off.add(exchange(t));
    assert.equal(off.list(t).length, 0);
  });

  it('is bounded: traces, exchanges per trace and body size', () => {
    const recorder = new Recorder({ enabled: true, maxTraces: 3, maxExchangesPerTrace: 2, maxBodyBytes: 10 });
    const ids = Array.from({ length: 5 }, () => newTraceId());
    for (const id of ids)
      for (let i = 0; i < 4; i++)
        recorder.add(exchange(id, String(i), { response: { headers: {}, body: 'y'.repeat(100) } }));
    assert.equal(recorder.size, 3);
    assert.equal(recorder.list(ids[0]!).length, 0);
    assert.deepEqual(
      recorder.list(ids[4]!).map((e) => e.label),
      ['2', '3'],
    );
    assert.match(recorder.list(ids[4]!)[0]!.response.body!, /^y{10}… \(90 more characters\)$/);
  });

  it('links what was recorded under another key into the trace', () => {
    const recorder = new Recorder({ enabled: true });
    const t = newTraceId();
    recorder.add(exchange('interaction:abc', 'authorize'));
    recorder.link('interaction:abc', t);
    recorder.add(exchange('interaction:abc', 'later'));
    recorder.add(exchange(t, 'token'));
    assert.deepEqual(
      recorder.list(t).map((e) => e.label),
      ['authorize', 'later', 'token'],
    );
  });

  it('follows a chain of links (interaction, then code, then trace)', () => {
    const recorder = new Recorder({ enabled: true });
    const t = newTraceId();
    recorder.add(exchange('interaction:1', 'authorize'));
    recorder.link('interaction:1', 'code:h');
    recorder.add(exchange('interaction:1', 'consent'));
    recorder.link('code:h', t);
    recorder.add(exchange('interaction:1', 'late'));
    assert.deepEqual(
      recorder.list(t).map((e) => e.label),
      ['authorize', 'consent', 'late'],
    );
    assert.equal(recorder.list('code:h').length, 0);
  });
});

describe('Masking secrets', () => {
  it('masks passwords, secrets, codes and tokens in bodies, URLs and headers, and keeps the rest', () => {
    const masked = maskExchange(
      exchange(newTraceId(), 't', {
        request: {
          method: 'POST',
          url: '/callback?code=SplxlOBeZQQYbYS6WxSbIA&state=xyz',
          headers: {
            authorization: 'Basic cGhvdG8tcHJpbnRlcjpzZWNyZXQ=',
            'content-type': 'application/x-www-form-urlencoded',
          },
          body: 'grant_type=authorization_code&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk&client_secret=abc',
        },
        response: {
          status: 200,
          headers: { location: 'http://x/cb#access_token=eyJhbGciOiJFUzI1NiJ9.eyJ&state=s' },
          body: '{"access_token":"eyJhbGciOiJFUzI1NiJ9.payload.sig","token_type":"Bearer"}',
        },
      }),
    );
    assert.match(masked.request.url!, /code=SplxlO/);
    assert.doesNotMatch(masked.request.url!, /SplxlOBeZQQYbYS6WxSbIA/);
    assert.match(masked.request.url!, /state=xyz/);
    assert.match(masked.request.headers.authorization!, /^Basic cGhvdG…\(28 chars, masked\)$/);
    assert.equal(masked.request.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.doesNotMatch(masked.request.body!, /dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk/);
    assert.match(masked.request.body!, /grant_type=authorization_code/);
    assert.match(
      masked.request.body!,
      /client_secret=%E2%80%A2%E2%80%A2%E2%80%A2%E2%80%A2%20\(3%20chars%2C%20masked\)/,
    );
    assert.doesNotMatch(masked.response.headers.location!, /eyJhbGciOiJFUzI1NiJ9\.eyJ&/);
    const body = JSON.parse(masked.response.body!) as Record<string, string>;
    assert.equal(body.token_type, 'Bearer');
    assert.match(body.access_token!, /masked/);
  });

  it('masks every cookie value, in Cookie and Set-Cookie, and keeps names and attributes', () => {
    const sid = 's%3A8WvZq1n2b3c4d5e6f7g8h9i0.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789';
    const masked = maskExchange(
      exchange(newTraceId(), 't', {
        request: { method: 'GET', url: '/', headers: { cookie: `printer.sid=${sid}; theme=dark-mode-please` } },
        response: {
          status: 200,
          headers: {
            'set-cookie': `auth.sid=${sid}; Path=/; Expires=Thu, 01 Jan 2037 00:00:00 GMT; HttpOnly; SameSite=Lax, other=${sid}; Path=/`,
          },
          body: '<form><input type="hidden" name="csrf" value="Zq1n2b3c4d5e6f7g8h9i0AbCdEf"><input name="username" value="alice"></form>',
        },
      }),
    );
    const cookie = masked.request.headers.cookie!;
    const setCookie = masked.response.headers['set-cookie']!;
    for (const header of [cookie, setCookie]) assert.ok(!header.includes('8WvZq1n2b3c4d5e6f7g8h9i0'), header);
    assert.match(cookie, /^printer\.sid=s%3A8W…\(\d+ chars, masked\); theme=/);
    assert.match(
      setCookie,
      /^auth\.sid=s%3A8W…\(\d+ chars, masked\); Path=\/; Expires=Thu, 01 Jan 2037 00:00:00 GMT; HttpOnly; SameSite=Lax, other=s%3A8W…/,
    );
    assert.ok(
      !masked.response.body!.includes('Zq1n2b3c4d5e6f7g8h9i0AbCdEf'),
      'the CSRF token of a recorded page is masked',
    );
    assert.match(masked.response.body!, /name="csrf" value="Zq1n2b…\(27 chars, masked\)"/);
    assert.match(masked.response.body!, /name="username" value="alice"/);
  });
});

describe('showSpentCodeVerifier', () => {
  const tokenRequest = (status: number | undefined): Exchange => ({
    id: '0123456789abcdef',
    traceId: newTraceId(),
    recordedBy: 'printer',
    from: 'printer',
    to: 'auth',
    channel: 'back',
    label: 'token',
    at: Date.now(),
    durationMs: 1,
    request: {
      method: 'POST',
      url: '/token',
      headers: {},
      body: 'grant_type=authorization_code&code=abcdefghijklmnopqrstuvwxyz&code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
    },
    response: status === undefined ? { headers: {} } : { status, headers: {} },
  });

  it('shows the verifier of an answered token request, and still masks the code', () => {
    const e = tokenRequest(200);
    const body = showSpentCodeVerifier(e, maskExchange(e)).request.body!;
    assert.match(body, /code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk/);
    assert.doesNotMatch(body, /abcdefghijklmnopqrstuvwxyz/);
  });

  it('keeps it masked while the request has no answer (the code may not be spent)', () => {
    const e = tokenRequest(undefined);
    assert.doesNotMatch(showSpentCodeVerifier(e, maskExchange(e)).request.body!, /dBjftJeZ4CVP/);
  });
});
