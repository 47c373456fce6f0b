/**
 * The access_tokens indexes (store/database.ts): partial, without the NULL grant and family of client_credentials
 * tokens (cheaper inserts on the token endpoint), yet still the ones revocation by grant and by family uses.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { openAuthDatabase } from '../src/store/index.js';

const dir = mkdtempSync(join(tmpdir(), 'auth-access-token-indexes-test-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function plan(db: ReturnType<typeof openAuthDatabase>, sql: string): string {
  return (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('x') as { detail: string }[]).map((r) => r.detail).join('; ');
}

describe('access_tokens indexes', () => {
  it('leave out rows without a grant or family, and still serve revocation by grant and by family', () => {
    const db = openAuthDatabase(join(dir, 'auth.db'));
    try {
      const indexes = db
        .prepare(
          "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'access_tokens' AND sql IS NOT NULL",
        )
        .all() as { name: string; sql: string }[];
      const sqlOf = (name: string) => indexes.find((i) => i.name === name)?.sql ?? '';
      assert.match(sqlOf('access_tokens_grant'), /WHERE grant_id IS NOT NULL/);
      assert.match(sqlOf('access_tokens_family'), /WHERE family_id IS NOT NULL/);

      // The statements of store/grants.ts and store/codes.ts (RFC 7009 §2, RFC 6749 §4.1.2): no table scan.
      assert.match(
        plan(db, 'UPDATE access_tokens SET revoked_at = 1 WHERE grant_id = ? AND revoked_at IS NULL'),
        /USING INDEX access_tokens_grant/,
      );
      assert.match(
        plan(db, 'UPDATE access_tokens SET revoked_at = 1 WHERE family_id = ? AND revoked_at IS NULL'),
        /USING INDEX access_tokens_family/,
      );
    } finally {
      db.close();
    }
  });
});
