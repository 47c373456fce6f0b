/**
 * When something breaks on our side: logged for the operator, never shown to the caller.
 */
import assert from 'node:assert/strict';
import { mkdtemp, rm, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { listen } from '@oauth-demo/web';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import {
  DRIVE_URL,
  DRIVE_WEB_SECRET,
  get,
  ISSUER,
  makeAuthority,
  type PhotoListing,
  TEST_TRACE_SECRET,
} from './helpers.js';

describe('Unexpected errors', () => {
  it('are a bare 500 server_error, with no stack trace or detail, and go to the log', async (t) => {
    const logged = t.mock.method(console, 'error', () => {});
    const authority = await makeAuthority();
    const dataDir = await mkdtemp(join(tmpdir(), 'drive-test-'));
    const drive = await createApp(
      loadConfig({
        TRACE_SECRET: TEST_TRACE_SECRET,
        DATA_DIR: dataDir,
        DRIVE_PUBLIC_URL: DRIVE_URL,
        AUTH_PUBLIC_URL: ISSUER,
        DRIVE_WEB_CLIENT_SECRET: DRIVE_WEB_SECRET,
      }),
      { keys: authority.keys },
    );
    const started = await listen(drive.app, 0, '127.0.0.1');
    try {
      drive.close(); // the database goes away under the running app
      const res = await get(`http://127.0.0.1:${started.port}/api/photos`, await authority.token());
      assert.equal(res.status, 500);
      assert.deepEqual(await res.json(), { error: 'server_error' });
      assert.equal(logged.mock.callCount(), 1);
    } finally {
      await started.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('a photo whose file is gone is a 404 for the caller and a line in the log', async (t) => {
    const logged = t.mock.method(console, 'error', () => {});
    const authority = await makeAuthority();
    const dataDir = await mkdtemp(join(tmpdir(), 'drive-test-'));
    const drive = await createApp(
      loadConfig({
        TRACE_SECRET: TEST_TRACE_SECRET,
        DATA_DIR: dataDir,
        DRIVE_PUBLIC_URL: DRIVE_URL,
        AUTH_PUBLIC_URL: ISSUER,
        DRIVE_WEB_CLIENT_SECRET: DRIVE_WEB_SECRET,
      }),
      { keys: authority.keys },
    );
    const started = await listen(drive.app, 0, '127.0.0.1');
    try {
      const token = await authority.token({ sub: 'bob' });
      const base = `http://127.0.0.1:${started.port}`;
      const listing = (await (await get(`${base}/api/photos`, token)).json()) as PhotoListing;
      const photo = listing.photos.find((p) => p.title === 'Harbour boats at first light');
      assert.ok(photo);
      await unlink(join(dataDir, 'photos', 'bob-harbour-boats-at-first-light.svg'));
      const res = await get(`${base}/api/photos/${photo.id}/content`, token);
      assert.equal(res.status, 404);
      assert.deepEqual(await res.json(), { error: 'not_found' });
      assert.equal(logged.mock.callCount(), 1);
    } finally {
      await started.close();
      drive.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
