/**
 * Issue 12 item 7: anonymous requests store nothing. Drive's sign-in form gives an anonymous visitor a signed
 * CSRF cookie, not a session row (packages/web csrf.ts); the API never has a session at all.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openDriveDatabase } from '../src/db.js';
import { type RunningDrive, startDrive } from './helpers.js';

let drive: RunningDrive;
before(async () => {
  drive = await startDrive();
});
after(() => drive.stop());

function sessionRows(): number {
  const db = openDriveDatabase(join(drive.dataDir, 'drive.db'));
  try {
    return (db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

const PAGES = [
  '/',
  '/signin',
  '/my-photos',
  '/my-photos/x/image',
  '/api/photos',
  '/api/gallery',
  '/.well-known/oauth-protected-resource',
  '/no-such-page',
  '/healthz',
  '/favicon.ico',
];

describe('anonymous requests store no session', () => {
  it('serves the shared icon at /favicon.ico, cacheable for a day (no 404 when a browser asks on its own)', async () => {
    const res = await fetch(`${drive.url}/favicon.ico`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^image\/(x-icon|vnd\.microsoft\.icon)/);
    assert.match(res.headers.get('cache-control') ?? '', /max-age=86400/);
    const icon = new Uint8Array(await res.arrayBuffer());
    assert.deepEqual([...icon.subarray(0, 4)], [0, 0, 1, 0], 'an ICO file');
    assert.equal(res.headers.getSetCookie().length, 0, 'no cookie for an icon');
  });

  it('1 000 cookie-less requests add no session row', async () => {
    const before = sessionRows();
    const statuses = new Set<number>();
    for (let i = 0; i < 1000; i += 10) {
      const batch = Array.from({ length: 10 }, (_, j) =>
        fetch(`${drive.url}${PAGES[(i + j) % PAGES.length]}`, { redirect: 'manual' }),
      );
      for (const res of await Promise.all(batch)) {
        statuses.add(res.status);
        await res.arrayBuffer();
      }
    }
    assert.ok(statuses.has(200));
    assert.equal(sessionRows(), before);
  });

  it('the sign-in form carries a CSRF token in a signed cookie, and no session cookie', async () => {
    const page = await fetch(`${drive.url}/signin`);
    const cookies = page.headers.getSetCookie();
    assert.ok(
      cookies.some((c) => /^drive\.sid\.csrf=[\w-]{43}\.[\w-]{43};.*HttpOnly/i.test(c)),
      cookies.join(' | '),
    );
    assert.ok(!cookies.some((c) => c.startsWith('drive.sid=')));
    assert.match(await page.text(), /name="csrf" value="[\w-]{43}\.[\w-]{43}"/);
  });
});
