/**
 * @module store/grants
 *
 * Grants: one user's consent to one client for some scopes (docs/design.md, Persistence). Codes, refresh
 * tokens and access tokens all point to the grant they came from, so revoking the grant (a reused refresh
 * token, the user removing the app, a client revoking its refresh token) revokes everything issued under it.
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '@oauth-demo/web';
import { now } from './database.js';

export interface Grant {
  id: string;
  user_id: string;
  client_id: string;
  /** Space-separated scopes the user has allowed this client. */
  scope: string;
  created_at: number;
  revoked_at: number | null;
  /** SHA-256 of the browser that last got an authorization code under this grant (browser_id.ts); null if none. */
  browser_hash: string | null;
}

export class GrantStore {
  constructor(private readonly db: Db) {}

  /** The user's standing consent to this client, if any (remembered consent, see recordConsent). */
  findActive(userId: string, clientId: string): Grant | undefined {
    return this.db
      .prepare<[string, string], Grant>(
        'SELECT * FROM grants WHERE user_id = ? AND client_id = ? AND revoked_at IS NULL',
      )
      .get(userId, clientId);
  }

  /** Every app the user has let in, for the Connected apps page. */
  listActive(userId: string): Grant[] {
    return this.db
      .prepare<[string], Grant>('SELECT * FROM grants WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at')
      .all(userId);
  }

  /** Every grant of the user, revoked ones too, newest first (the printer's exercise checks, routes/learners.ts). */
  listAll(userId: string): Grant[] {
    return this.db
      .prepare<[string], Grant>('SELECT * FROM grants WHERE user_id = ? ORDER BY created_at DESC LIMIT 100')
      .all(userId);
  }

  /**
   * An authorization code was issued under this grant to this browser (browser_id.ts, routes/interaction.ts). On
   * every code flow, so the row is written only when the browser changed, not once per code.
   */
  recordCodeFlowBrowser(grantId: string, browserHash: string): void {
    this.db
      .prepare('UPDATE grants SET browser_hash = ? WHERE id = ? AND browser_hash IS NOT ?')
      .run(browserHash, grantId, browserHash);
  }

  /** The browsers in which this user authorized this client in the code flow, over all its grants (revoked too). */
  codeFlowBrowsers(userId: string, clientId: string): string[] {
    return this.db
      .prepare<[string, string], { browser_hash: string }>(
        'SELECT DISTINCT browser_hash FROM grants WHERE user_id = ? AND client_id = ? AND browser_hash IS NOT NULL',
      )
      .all(userId, clientId)
      .map((row) => row.browser_hash);
  }

  isActive(grantId: string): boolean {
    const row = this.db
      .prepare<[string], { revoked_at: number | null }>('SELECT revoked_at FROM grants WHERE id = ?')
      .get(grantId);
    return row !== undefined && row.revoked_at === null;
  }

  /**
   * The user clicked Allow for these scopes. Consent is remembered per user and client: the standing grant
   * is widened to include them, or created. Asking again is only needed for a scope not yet granted.
   */
  recordConsent(userId: string, clientId: string, scope: string): string {
    return this.db.transaction(() => {
      const existing = this.findActive(userId, clientId);
      if (existing) {
        const widened = [...new Set([...existing.scope.split(' '), ...scope.split(' ')])].join(' ');
        this.db.prepare('UPDATE grants SET scope = ? WHERE id = ?').run(widened, existing.id);
        return existing.id;
      }
      const id = randomUUID();
      this.db
        .prepare('INSERT INTO grants (id, user_id, client_id, scope, created_at) VALUES (?, ?, ?, ?, ?)')
        .run(id, userId, clientId, scope, now());
      return id;
    })();
  }

  /**
   * Revoke a grant and everything issued under it, in one transaction (RFC 6749 §10.4; RFC 7009 §2.1;
   * RFC 9700 §4.14.2): the consent, its refresh tokens and its access tokens.
   */
  revoke(grantId: string): void {
    const t = now();
    this.db.transaction(() => {
      this.db.prepare('UPDATE grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(t, grantId);
      this.db
        .prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE grant_id = ? AND revoked_at IS NULL')
        .run(t, grantId);
      this.db
        .prepare('UPDATE access_tokens SET revoked_at = ? WHERE grant_id = ? AND revoked_at IS NULL')
        .run(t, grantId);
    })();
  }
}
