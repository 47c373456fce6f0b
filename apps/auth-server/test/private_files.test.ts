/**
 * Issue 12 item 9: the auth server's database holds its private signing key and the sessions; its DATA_DIR is
 * created 0700 and the database files 0600.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startAuthServer } from './helpers.js';

const parent = mkdtempSync(join(tmpdir(), 'auth-private-'));
after(() => rmSync(parent, { recursive: true, force: true }));
const mode = (path: string) => statSync(path).mode & 0o777;

describe('data files are private', () => {
  it('creates DATA_DIR 0700 and auth.db (signing key, sessions) 0600 even under umask 022', async () => {
    const old = process.umask(0o022);
    const dataDir = join(parent, 'nested', 'auth');
    const server = await startAuthServer({ dataDir });
    try {
      assert.equal((await fetch(`${server.url}/.well-known/jwks.json`)).status, 200);
      assert.equal(mode(dataDir), 0o700);
      assert.equal(mode(join(parent, 'nested')), 0o700);
      // while running: the database and its write-ahead log (SQLite removes the -wal and -shm files on close)
      for (const file of ['auth.db', 'auth.db-wal', 'auth.db-shm', 'session.secret'])
        assert.equal(mode(join(dataDir, file)), 0o600, file);
    } finally {
      await server.stop();
      process.umask(old);
    }
  });
});
