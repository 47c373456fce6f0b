/**
 * @module store/access_tokens
 *
 * Issued access tokens, by `jti`. The token itself is a signed JWT (RFC 9068) that needs no row to verify;
 * the row is what lets introspection (RFC 7662) and revocation (RFC 7009) end it before its `exp`.
 *
 * A token issued under a grant gets its row when it is issued: revoking the grant (or the family of a replayed
 * code) revokes it through that row. A client_credentials token has no grant, so nothing would ever revoke it but
 * a revocation of that one token: it gets a row only then (issuance.ts, token_lookup.ts).
 */
import type { Db } from '@oauth-demo/web';
import { now } from './database.js';

export interface NewAccessToken {
  jti: string;
  /** The grant it comes from (a client_credentials token has none, and no row until revoked). */
  grantId: string;
  /** The family of tokens it belongs to (one code's redemption and its refreshes). */
  familyId: string;
  clientId: string;
  subject: string;
  scope: string;
  expiresAt: number;
}

/** What a revocation knows of the token: its verified claims (token_lookup.ts). */
export type RevokedAccessToken = Omit<NewAccessToken, 'grantId' | 'familyId'>;

export interface AccessTokenRecord {
  grant_id: string | null;
  /** Revoked itself, or through its grant. */
  active: boolean;
}

export class AccessTokenStore {
  constructor(private readonly db: Db) {}

  insert(t: NewAccessToken): void {
    this.db
      .prepare(
        'INSERT INTO access_tokens (jti, grant_id, family_id, client_id, subject, scope, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      )
      .run(t.jti, t.grantId, t.familyId, t.clientId, t.subject, t.scope, t.expiresAt);
  }

  /** The token's row with its grant's state; undefined for a jti we never issued (or swept, see housekeeping.ts). */
  find(jti: string): AccessTokenRecord | undefined {
    const row = this.db
      .prepare<[string], { grant_id: string | null; revoked_at: number | null; grant_revoked_at: number | null }>(
        `SELECT a.grant_id, a.revoked_at, g.revoked_at AS grant_revoked_at
         FROM access_tokens a LEFT JOIN grants g ON g.id = a.grant_id WHERE a.jti = ?`,
      )
      .get(jti);
    return row && { grant_id: row.grant_id, active: row.revoked_at === null && row.grant_revoked_at === null };
  }

  /**
   * Revoke one access token: its `jti` is remembered as revoked until it expires (RFC 7009 §2), then swept with
   * the others (housekeeping.ts). A token under a grant has its row already; a client_credentials token gets one now.
   */
  revoke(t: RevokedAccessToken): void {
    this.db
      .prepare(
        `INSERT INTO access_tokens (jti, grant_id, family_id, client_id, subject, scope, expires_at, revoked_at)
         VALUES (?, NULL, NULL, ?, ?, ?, ?, ?)
         ON CONFLICT (jti) DO UPDATE SET revoked_at = excluded.revoked_at WHERE access_tokens.revoked_at IS NULL`,
      )
      .run(t.jti, t.clientId, t.subject, t.scope, t.expiresAt, now());
  }
}
