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
  /** The family of the tokens issued when it was redeemed (store/database.ts, migration 6). */
  family_id: string | null;
  /** When its own client presented it again (RFC 6749 §4.1.2). */
  replayed_at: number | null;
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
    return this.db
      .prepare<[string], CodeRecord>('SELECT * FROM authorization_codes WHERE code_hash = ?')
      .get(hashToken(code));
  }

  /**
   * Mark the code used, atomically: of any number of concurrent redemptions exactly one sees `used_at IS NULL`
   * and gets true (SQLite serialises writers; better-sqlite3 runs this in one synchronous statement).
   */
  markUsed(code: string, familyId: string): boolean {
    return (
      this.db
        .prepare('UPDATE authorization_codes SET used_at = ?, family_id = ? WHERE code_hash = ? AND used_at IS NULL')
        .run(now(), familyId, hashToken(code)).changes === 1
    );
  }

  /**
   * A used code presented again by its own client: remember it, and revoke every token of the family its first
   * redemption started (refresh tokens and access tokens, rotations included). The grant itself (the user's
   * consent) stays.
   */
  revokeReplayed(code: string): void {
    const t = now();
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE authorization_codes SET replayed_at = ? WHERE code_hash = ? AND replayed_at IS NULL')
        .run(t, hashToken(code));
      const familyId = this.find(code)?.family_id;
      if (!familyId) return;
      this.db
        .prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL')
        .run(t, familyId);
      this.db
        .prepare('UPDATE access_tokens SET revoked_at = ? WHERE family_id = ? AND revoked_at IS NULL')
        .run(t, familyId);
    })();
  }
}
