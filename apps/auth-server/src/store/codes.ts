/**
 * @module store/codes
 *
 * Authorization codes (RFC 6749 §4.1.2), stored by their SHA-256 only: the database never holds a usable code.
 */
import type { Db } from '@oauth-demo/web';
import { hashToken, now } from './database.js';

/** What a code is bound to when it is made (RFC 6749 §4.1.3, RFC 7636 §4.4). */
export interface NewCode {
  grantId: string;
  clientId: string;
  userId: string;
  redirectUri: string;
  scope: string;
  codeChallenge: string;
  expiresAt: number;
}

export interface CodeRecord {
  grant_id: string;
  client_id: string;
  user_id: string;
  redirect_uri: string;
  scope: string;
  code_challenge: string;
  expires_at: number;
  used_at: number | null;
}

export class CodeStore {
  constructor(private readonly db: Db) {}

  insert(code: string, c: NewCode): void {
    this.db
      .prepare(`INSERT INTO authorization_codes (code_hash, grant_id, client_id, user_id, redirect_uri, scope, code_challenge, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(hashToken(code), c.grantId, c.clientId, c.userId, c.redirectUri, c.scope, c.codeChallenge, c.expiresAt);
  }

  find(code: string): CodeRecord | undefined {
    return this.db.prepare<[string], CodeRecord>('SELECT * FROM authorization_codes WHERE code_hash = ?').get(hashToken(code));
  }

  /**
   * Mark the code used, atomically: of any number of concurrent redemptions exactly one sees `used_at IS NULL`
   * and gets true (SQLite serialises writers; better-sqlite3 runs this in one synchronous statement).
   */
  markUsed(code: string): boolean {
    return this.db.prepare('UPDATE authorization_codes SET used_at = ? WHERE code_hash = ? AND used_at IS NULL').run(now(), hashToken(code)).changes === 1;
  }
}
