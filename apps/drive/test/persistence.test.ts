/**
 * Photos survive a restart (docs/design.md, Persistence): files on disk plus metadata in SQLite, seeded once.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { countPhotos, openDriveDatabase } from '../src/db.js';
import { get, makeAuthority, type PhotoListing, startDrive } from './helpers.js';

describe('Persistence', () => {
  it('keeps the same photos across a restart on the same DATA_DIR, without seeding twice', async () => {
    const authority = await makeAuthority();
    const token = await authority.token({ sub: 'alice' });

    const first = await startDrive({ deps: { keys: authority.keys } });
    const before = (await (await get(`${first.url}/api/photos`, token)).json()) as PhotoListing;
    await first.stop({ keepData: true });

    const second = await startDrive({ deps: { keys: authority.keys }, dataDir: first.dataDir });
    try {
      const afterRestart = (await (await get(`${second.url}/api/photos`, token)).json()) as PhotoListing;
      assert.deepEqual(afterRestart, before);
      const photo = afterRestart.photos[0];
      assert.ok(photo);
      assert.equal((await get(`${second.url}/api/photos/${photo.id}/content`, token)).status, 200);
    } finally {
      await second.stop({ keepData: true });
    }

    const db = openDriveDatabase(join(first.dataDir, 'drive.db'));
    try {
      assert.equal(countPhotos(db), 12);
    } finally {
      db.close();
    }
    const files = await readdir(join(first.dataDir, 'photos'));
    assert.equal(files.filter((f) => f.endsWith('.svg')).length, 12);
    assert.equal(files.filter((f) => f.endsWith('.tmp')).length, 0);
    await (await startDrive({ dataDir: first.dataDir })).stop();
  });
});
