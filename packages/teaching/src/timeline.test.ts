/**
 * The timeline's pure pieces: folding repeated reads, naming a kind of call.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type MergedExchange, foldRepeats, genericPath } from './timeline.js';

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
    const [p1, p2, p3] = ['p-alice-1', 'p-alice-2', 'p-alice-3'].map((id) => call('GET', `/api/photos/${id}/content`, 200)) as [MergedExchange, MergedExchange, MergedExchange];
    const refused = call('GET', '/api/photos/p-alice-4/content', 401);
    const [poll1, poll2] = [call('POST', '/token', 400), call('POST', '/token', 400)];
    const front = [call('GET', '/photos/p-alice-1/image', 200, 'front'), call('GET', '/photos/p-alice-2/image', 200, 'front')];
    const folded = foldRepeats([token, list, p1, p2, p3, refused, poll1, poll2, ...front]);
    assert.deepEqual(folded.map((e) => e.id), [token, list, p1, refused, poll1, poll2, ...front].map((e) => e.id));
    assert.deepEqual(folded[2]?.repeats?.map((e) => e.id), [p2.id, p3.id]);
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

describe('readable URLs on the timeline (issue 13, dead ends)', () => {
  it('decodes the text of a masked value, keeps the escapes that carry structure', async () => {
    const { readableUrl, breakableHtml } = await import('./timeline.js');
    assert.equal(readableUrl('/callback?code=abc123%E2%80%A6(43%20chars%2C%20masked)&state=x%26y'), '/callback?code=abc123…(43 chars%2C masked)&state=x%26y');
    assert.equal(readableUrl('/bad%E2%80'), '/bad%E2%80');
    assert.equal(breakableHtml('/a?b=<c>&d'), '/<wbr>a?<wbr>b=<wbr>&lt;c&gt;&amp;<wbr>d');
  });
});
