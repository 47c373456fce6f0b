/**
 * Migration 10 (store/database.ts): an auth.db made before browsers were recorded (browser_id.ts) upgrades in place,
 * its rows kept, their browser unknown (NULL).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openAuthDatabase } from '../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'auth-browser-hash-migration-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const columnsOf = (db: ReturnType<typeof openAuthDatabase>, table: string) =>
  (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);

describe('browser_hash migration', () => {
  it('adds the column to grants and device_codes of an existing database, old rows NULL', () => {
    const file = join(dir, 'auth.db');
    // The database as the previous version left it: without the columns, one migration behind.
    const old = openAuthDatabase(file);
    const version = old.pragma('user_version', { simple: true }) as number;
    old.exec(`ALTER TABLE grants DROP COLUMN browser_hash;
              ALTER TABLE device_codes DROP COLUMN browser_hash;
              INSERT INTO users (id, display_name, password_hash) VALUES ('ada', 'Ada', 'x');
              INSERT INTO clients (client_id, name, description, client_type, token_endpoint_auth_method,
                                   redirect_uris, grant_types, response_types, scope)
                VALUES ('photo-printer', 'P', '', 'confidential', 'client_secret_basic', '[]', '[]', '[]', 'photos.read');
              INSERT INTO grants (id, user_id, client_id, scope, created_at)
                VALUES ('g1', 'ada', 'photo-printer', 'photos.read', 1);
              INSERT INTO device_codes (device_code_hash, user_code, client_id, scope, expires_at, interval, status, user_id)
                VALUES ('d1', 'BCDFGHJK', 'photo-kiosk', 'photos.read', 1, 5, 'used', 'ada');`);
    old.pragma(`user_version = ${version - 1}`);
    assert.ok(!columnsOf(old, 'grants').includes('browser_hash'));
    old.close();

    const upgraded = openAuthDatabase(file);
    try {
      assert.equal(upgraded.pragma('user_version', { simple: true }), version);
      assert.ok(columnsOf(upgraded, 'grants').includes('browser_hash'));
      assert.ok(columnsOf(upgraded, 'device_codes').includes('browser_hash'));
      assert.deepEqual(upgraded.prepare("SELECT browser_hash FROM grants WHERE id = 'g1'").get(), {
        browser_hash: null,
      });
      assert.deepEqual(upgraded.prepare("SELECT browser_hash FROM device_codes WHERE device_code_hash = 'd1'").get(), {
        browser_hash: null,
      });
    } finally {
      upgraded.close();
    }
  });
});
