/**
 * Housekeeping (housekeeping.ts): expired codes and tokens are deleted one hour after they stop being
 * usable; everything still usable, or expired less than an hour ago, stays; consent (grants) is never swept.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { KEPT_AFTER_EXPIRY_S, startHousekeeping } from '../src/housekeeping.js';
import { AuthStore, openAuthDatabase } from '../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'auth-housekeeping-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const NOW = 1_800_000_000; // seconds
const LONG_AGO = NOW - KEPT_AFTER_EXPIRY_S - 1; // expired more than an hour ago: swept
const RECENTLY = NOW - KEPT_AFTER_EXPIRY_S + 60; // expired less than an hour ago: kept
const LATER = NOW + 600; // still usable: kept

function count(db: ReturnType<typeof openAuthDatabase>, table: string): number {
  return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
}

describe('Housekeeping', () => {
  it('deletes codes and tokens an hour after they expire, and nothing else', () => {
    const db = openAuthDatabase(join(dir, 'auth.db'));
    try {
      db.prepare("INSERT INTO users VALUES ('alice', 'Alice', 'x')").run();
      db.prepare(
        `INSERT INTO clients VALUES ('photo-printer', 'Photo Printer', '', 'confidential', 'client_secret_basic', NULL, '[]', '[]', '[]', 'photos.read', 'photos.read', 0)`,
      ).run();
      db.prepare(
        "INSERT INTO grants (id, user_id, client_id, scope, created_at) VALUES ('g1', 'alice', 'photo-printer', 'photos.read', ?)",
      ).run(LONG_AGO - 3600);
      const expiries = { old: LONG_AGO, recent: RECENTLY, live: LATER };
      for (const [name, at] of Object.entries(expiries)) {
        db.prepare(
          `INSERT INTO access_tokens (jti, grant_id, client_id, subject, scope, expires_at) VALUES (?, 'g1', 'photo-printer', 'alice', 'photos.read', ?)`,
        ).run(name, at);
        db.prepare(`INSERT INTO authorization_codes (code_hash, grant_id, client_id, user_id, redirect_uri, scope, code_challenge, expires_at, used_at)
                    VALUES (?, 'g1', 'photo-printer', 'alice', 'http://printer.test/callback', 'photos.read', 'c', ?, ?)`).run(
          name,
          at,
          at - 30,
        );
        db.prepare(`INSERT INTO refresh_tokens (token_hash, family_id, grant_id, client_id, user_id, scope, family_expires_at, created_at)
                    VALUES (?, ?, 'g1', 'photo-printer', 'alice', 'photos.read offline_access', ?, ?)`).run(
          name,
          `family-${name}`,
          at,
          at - 86400,
        );
        db.prepare(`INSERT INTO device_codes (device_code_hash, user_code, client_id, scope, expires_at, interval, status)
                    VALUES (?, ?, 'photo-printer', 'photos.read', ?, 5, 'pending')`).run(name, `CODE-${name}`, at);
      }

      const store = new AuthStore(db);
      assert.deepEqual(store.sweepExpired(NOW), {
        access_tokens: 1,
        authorization_codes: 1,
        refresh_tokens: 1,
        device_codes: 1,
      });
      for (const [table, key] of [
        ['access_tokens', 'jti'],
        ['authorization_codes', 'code_hash'],
        ['refresh_tokens', 'token_hash'],
        ['device_codes', 'device_code_hash'],
      ] as const) {
        const left = (db.prepare(`SELECT ${key} AS k FROM ${table} ORDER BY ${key}`).all() as { k: string }[]).map(
          (r) => r.k,
        );
        assert.deepEqual(
          left,
          ['live', 'recent'],
          `${table}: a used code expired minutes ago is still known (replay detection)`,
        );
      }
      assert.equal(count(db, 'grants'), 1, 'consent is not swept');
      assert.deepEqual(store.sweepExpired(NOW), {
        access_tokens: 0,
        authorization_codes: 0,
        refresh_tokens: 0,
        device_codes: 0,
      });
    } finally {
      db.close();
    }
  });

  it('a sweep that fails is reported, and does not stop the server', () => {
    const db = openAuthDatabase(join(dir, 'closed.db'));
    db.close(); // every statement now throws, as a broken disk would make it
    const logs: string[] = [];
    const housekeeping = startHousekeeping(new AuthStore(db), 60_000, (message) => logs.push(message));
    housekeeping.stop();
    assert.equal(logs.length, 1);
    assert.match(logs[0]!, /housekeeping failed, will retry/);
  });
});
