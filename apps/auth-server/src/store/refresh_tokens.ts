/**
 * @module store/refresh_tokens
 *
 * Refresh tokens, in families (RFC 9700 §4.14.2): every rotation adds a token to the family of the one it
 * replaces, and the family has one absolute end. Stored by SHA-256 only.
 */
import type { Db } from '@oauth-demo/web';
import { hashToken, now } from './database.js';

export interface NewRefreshToken {
  familyId: string;
  familyExpiresAt: number;
  grantId: string;
  clientId: string;
  userId: string;
  scope: string;
}

export interface RefreshTokenRecord {
  token_hash: string;
  family_id: string;
  grant_id: string;
  client_id: string;
  user_id: string;
  scope: string;
  family_expires_at: number;
  created_at: number;
  rotated_at: number | null;
  revoked_at: number | null;
  /** Its grant's revocation time: a revoked grant ends every token under it. */
  grant_revoked_at: number | null;
}

export class RefreshTokenStore {
  constructor(private readonly db: Db) {}

  insert(token: string, t: NewRefreshToken): void {
    this.db
      .prepare(`INSERT INTO refresh_tokens (token_hash, family_id, grant_id, client_id, user_id, scope, family_expires_at, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(hashToken(token), t.familyId, t.grantId, t.clientId, t.userId, t.scope, t.familyExpiresAt, now());
  }

  find(token: string): RefreshTokenRecord | undefined {
    return this.db
      .prepare<[string], RefreshTokenRecord>(`SELECT r.*, g.revoked_at AS grant_revoked_at
                                              FROM refresh_tokens r JOIN grants g ON g.id = r.grant_id WHERE r.token_hash = ?`)
      .get(hashToken(token));
  }

  /** Retire the token, atomically: of concurrent refreshes with it, exactly one gets true. */
  rotate(token: string): boolean {
    return (
      this.db
        .prepare(
          'UPDATE refresh_tokens SET rotated_at = ? WHERE token_hash = ? AND rotated_at IS NULL AND revoked_at IS NULL',
        )
        .run(now(), hashToken(token)).changes === 1
    );
  }
}
