/**
 * load_shedding.ts (issue 15): past its in-flight limit a service answers 503 with Retry-After at once; a page
 * says it is busy and reloads itself, anything else gets temporarily_unavailable; the slot is given back.
 */
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import { shedLoad } from './load_shedding.js';

describe('shedLoad: overload answered at once with 503 + Retry-After', () => {
  let base = '';
  let close = () => {};
  let release = () => {};
  let entered = () => {};
  const handled: string[] = [];
  before(async () => {
    const app = express();
    app.use(shedLoad({ maxInFlight: 1, retryAfterS: 2, serviceName: 'Photo Printer' }));
    app.all('/slow', async (_req, res) => {
      handled.push('slow');
      entered();
      await new Promise<void>((resolve) => (release = resolve));
      res.send('done');
    });
    app.all('/fast', (req, res) => {
      handled.push(`fast ${req.method}`);
      res.send('fast');
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => server.close();
  });
  after(() => close());

  it('refuses the request over the limit without running its handler, then serves again', async () => {
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const slow = fetch(`${base}/slow`);
    await inside; // the only slot is taken

    const page = await fetch(`${base}/fast`, { headers: { accept: 'text/html' } });
    assert.equal(page.status, 503);
    assert.equal(page.headers.get('retry-after'), '2');
    const html = await page.text();
    assert.match(html, /Photo Printer is busy, retrying/);
    assert.match(html, /<meta http-equiv="refresh" content="2">/, 'a GET page reloads itself after Retry-After');
    // docs/security.md §S5: a page refuses to be framed, also where shedding runs before the pages' headers.
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.match(page.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);

    const form = await fetch(`${base}/fast`, { method: 'POST', body: 'a=1' });
    assert.equal(form.status, 503);
    assert.equal(form.headers.get('retry-after'), '2');
    assert.equal(((await form.json()) as { error: string }).error, 'temporarily_unavailable');
    assert.deepEqual(handled, ['slow'], 'no shed request reached its handler');

    release();
    assert.equal(await (await slow).text(), 'done');
    const again = await fetch(`${base}/fast`);
    assert.equal(again.status, 200, 'the slot was given back');
    assert.deepEqual(handled, ['slow', 'fast GET']);
  });
});
