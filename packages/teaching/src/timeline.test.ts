/**
 * The timeline's pure pieces: folding repeated reads, naming a kind of call.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type MergedExchange, buildRows, foldRepeats, genericPath, laneIndex, lanesFor } from './timeline.js';

describe('timeline: repeated reads are folded', () => {
  let at = 0;
  const call = (method: string, url: string, status: number, channel: 'front' | 'back' = 'back'): MergedExchange => ({
    id: `span-${++at}`,
    traceId: 't',
    recordedBy: 'drive',
    from: 'printer',
    to: url.startsWith('/token') ? 'auth' : 'drive',
    channel,
    step: url.startsWith('/token') ? 5 : 7,
    label: `${method} ${url}`,
    at,
    durationMs: 1,
    request: { method, url, headers: {} },
    response: { status, headers: {} },
  });

  it('keeps the first thumbnail call and folds the others under it; a different answer or a POST is never folded', () => {
    const token = call('POST', '/token', 200);
    const list = call('GET', '/api/photos', 200);
    const [p1, p2, p3] = ['p-alice-1', 'p-alice-2', 'p-alice-3'].map((id) =>
      call('GET', `/api/photos/${id}/content`, 200),
    ) as [MergedExchange, MergedExchange, MergedExchange];
    const refused = call('GET', '/api/photos/p-alice-4/content', 401);
    const [poll1, poll2] = [call('POST', '/token', 400), call('POST', '/token', 400)];
    const front = [
      call('GET', '/photos/p-alice-1/image', 200, 'front'),
      call('GET', '/photos/p-alice-2/image', 200, 'front'),
    ];
    const folded = foldRepeats([token, list, p1, p2, p3, refused, poll1, poll2, ...front]);
    assert.deepEqual(
      folded.map((e) => e.id),
      [token, list, p1, refused, poll1, poll2, ...front].map((e) => e.id),
    );
    assert.deepEqual(
      folded[2]?.repeats?.map((e) => e.id),
      [p2.id, p3.id],
    );
    assert.equal(p1.repeats, undefined, 'the recorded exchange itself is not changed');
    assert.equal(folded.filter((e) => e.repeats).length, 1);
  });

  it('names the kind of call with ids replaced', () => {
    assert.equal(genericPath('/api/photos/0b7c4b1e-9d2f-4c1a-8e3b-2f6a5d7c9e01/content'), '/api/photos/:id/content');
    assert.equal(genericPath('http://127.0.0.1:9001/api/gallery/color-bars/content?x=1'), '/api/gallery/:id/content');
    assert.equal(genericPath('/api/photos'), '/api/photos');
    assert.equal(genericPath('/token'), '/token');
  });
});

describe('lanesFor: the fifth lane, Mallory', () => {
  it('shows the four roles for an ordinary flow, and Mallory’s lane only when a row involves her', () => {
    assert.deepEqual(
      lanesFor([{ from: 'browser', to: 'printer' }]).map((l) => l.party),
      ['browser', 'printer', 'auth', 'drive'],
    );
    assert.deepEqual(
      lanesFor([
        { from: 'browser', to: 'printer' },
        { from: 'printer', to: 'mallory' },
      ]).map((l) => l.party),
      ['browser', 'printer', 'auth', 'drive', 'mallory'],
    );
    assert.equal(laneIndex('mallory'), 5);
  });
});

describe('readable URLs on the timeline (issue 13, dead ends)', () => {
  it('decodes the text of a masked value, keeps the escapes that carry structure', async () => {
    const { readableUrl, breakableHtml } = await import('./timeline.js');
    assert.equal(
      readableUrl('/callback?code=abc123%E2%80%A6(43%20chars%2C%20masked)&state=x%26y'),
      '/callback?code=abc123…(43 chars%2C masked)&state=x%26y',
    );
    assert.equal(readableUrl('/bad%E2%80'), '/bad%E2%80');
    assert.equal(breakableHtml('/a?b=<c>&d'), '/<wbr>a?<wbr>b=<wbr>&lt;c&gt;&amp;<wbr>d');
  });
});

describe('one grant per timeline (issue 13 item 1) and how a flow ended (item 4)', () => {
  it('drops a step number the flow’s grant does not have, and lists the steps that occur', async () => {
    const { rowsForGrant } = await import('./timeline.js');
    const row = (step: number | undefined) => ({
      kind: 'request' as const,
      at: 0,
      from: 'printer' as const,
      to: 'auth' as const,
      label: 'x',
      summary: 'x',
      channel: 'back' as const,
      exchange: {} as never,
      ...(step !== undefined ? { step } : {}),
    });
    const fitted = rowsForGrant([row(1), row(4), row(5), row(7), row(undefined)], 'device_code');
    assert.deepEqual(
      fitted.rows.map((r) => r.step),
      [1, undefined, 5, 7, undefined],
    );
    assert.deepEqual(fitted.steps, [1, 5, 7]);
    assert.deepEqual(rowsForGrant([row(1), row(5), row(6)], 'refresh_token').steps, [5, 6]);
  });

  it('tells a failed flow, a refused one, a stopped one and an unfinished one from one that went through', async () => {
    const { flowOutcome } = await import('./timeline.js');
    const front = (url: string, status: number, location?: string) =>
      ({
        id: url,
        traceId: 't',
        recordedBy: 'printer',
        from: 'browser',
        to: 'printer',
        channel: 'front',
        label: '',
        at: 0,
        durationMs: 0,
        request: { method: 'GET', url, headers: {} },
        response: { status, headers: location ? { location } : ({} as Record<string, string>) },
      }) as const;
    const registered = { clientId: 'photo-printer', redirectUri: 'http://printer/callback' };
    const authorize = (params: Record<string, string>) =>
      `http://auth/authorize?${new URLSearchParams({ response_type: 'code', client_id: 'photo-printer', redirect_uri: registered.redirectUri, state: 's', ...params })}`;
    const sent = (params: Record<string, string> = {}) => front('/request-builder', 303, authorize(params));
    const outcome = (...own: ReturnType<typeof front>[]) => flowOutcome(own, registered);
    assert.deepEqual(outcome(sent(), front('/callback?code=c&state=s', 303)), { kind: 'ok' });
    assert.deepEqual(outcome(sent(), front('/callback?code=c&state=s', 502)), { kind: 'failed' });
    assert.deepEqual(outcome(sent(), front('/callback?error=access_denied&state=s', 200)), { kind: 'denied' });
    // The request builder's unknown scope: the auth server's refusal, named, not the user's Deny.
    assert.deepEqual(outcome(sent({ scope: 'x' }), front('/callback?error=invalid_scope&state=s', 400)), {
      kind: 'refused',
      error: 'invalid_scope',
    });
    // A wrong redirect_uri or client_id: the auth server shows its error page and never redirects (RFC 6749 §4.1.2.1).
    assert.deepEqual(outcome(sent({ redirect_uri: 'http://evil/cb' })), { kind: 'stopped' });
    assert.deepEqual(outcome(sent({ client_id: 'nobody' })), { kind: 'stopped' });
    // A correct request (an Import) left at the sign-in or consent screen: nothing came back.
    assert.deepEqual(outcome(front('/import', 303, authorize({}))), { kind: 'unfinished' });
    // A flow with no authorization request (a re-order, the claims editor) that got its pages went through.
    assert.deepEqual(outcome(front('/reorder/1', 303)), { kind: 'ok' });
    assert.deepEqual(flowOutcome([], registered), { kind: 'unrecorded' });
  });
});

describe('timeline: rows in order', () => {
  const exchange = (id: string, at: number, durationMs: number, status: number): MergedExchange => ({
    id,
    traceId: 't',
    recordedBy: 'printer',
    from: 'browser',
    to: 'printer',
    channel: 'front',
    step: 1,
    label: 'POST /import',
    at,
    durationMs,
    request: { method: 'POST', url: '/import', headers: {} },
    response: { status, headers: status === 303 ? { location: 'http://auth/authorize' } : {} },
  });

  it('an exchange answered within the same millisecond shows its request before its response', () => {
    const rows = buildRows([exchange('a', 100, 0, 303)]);
    assert.deepEqual(
      rows.map((r) => r.kind),
      ['request', 'response'],
    );
  });

  it('at one instant, an earlier call’s answer comes before the next call opens', () => {
    const rows = buildRows([exchange('a', 100, 5, 200), exchange('b', 105, 3, 200)]);
    assert.deepEqual(
      rows.map((r) => `${r.exchange.id}:${r.kind}`),
      ['a:request', 'a:response', 'b:request', 'b:response'],
    );
  });
});
