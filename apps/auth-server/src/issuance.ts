/**
 * @module issuance
 *
 * Grants, and the tokens issued under them. A grant is one user's consent to one client for some scopes;
 * codes, refresh tokens and access tokens all point to the grant they came from, so revoking the grant
 * (a replayed code, a reused refresh token, the user removing the app) revokes everything issued under it.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { issueAccessToken, type SigningKey } from '@oauth-demo/tokens';
import type { Db } from '@oauth-demo/web';
import type { AuthConfig } from './config.js';
import { hashToken, now } from './db.js';
import { SCOPES } from './scopes.js';

/** RFC 6749 §5.1: the successful token response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
}

export interface Grant {
  id: string;
  user_id: string;
  client_id: string;
  /** Space-separated scopes the user has allowed this client. */
  scope: string;
  created_at: number;
  revoked_at: number | null;
}

export interface IssueInput {
  /** The grant the token comes from; null for client credentials (no user, nothing consented). */
  grantId: string | null;
  clientId: string;
  userId: string;
  scope: string;
  /** Continue an existing refresh-token family (rotation) instead of starting a new one. */
  family?: { id: string; expiresAt: number };
  withRefreshToken: boolean;
}

/** 256 random bits, base64url: for codes and refresh tokens, which are opaque to everyone but us. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export class Issuer {
  constructor(
    private readonly db: Db,
    private readonly key: SigningKey,
    private readonly config: AuthConfig,
  ) {}

  /** The user's standing consent to this client, if any (remembered consent, see recordConsent). */
  findActiveGrant(userId: string, clientId: string): Grant | undefined {
    return this.db
      .prepare<[string, string], Grant>('SELECT * FROM grants WHERE user_id = ? AND client_id = ? AND revoked_at IS NULL')
      .get(userId, clientId);
  }

  /** Every app the user has let in, for the Connected apps page. */
  listActiveGrants(userId: string): Grant[] {
    return this.db.prepare<[string], Grant>('SELECT * FROM grants WHERE user_id = ? AND revoked_at IS NULL ORDER BY created_at').all(userId);
  }

  /**
   * The user clicked Allow for these scopes. Consent is remembered per user and client: the standing grant
   * is widened to include them, or created. Asking again is only needed for a scope not yet granted.
   */
  recordConsent(userId: string, clientId: string, scope: string): string {
    return this.db.transaction(() => {
      const existing = this.findActiveGrant(userId, clientId);
      if (existing) {
        const widened = [...new Set([...existing.scope.split(' '), ...scope.split(' ')])].join(' ');
        this.db.prepare('UPDATE grants SET scope = ? WHERE id = ?').run(widened, existing.id);
        return existing.id;
      }
      const id = randomUUID();
      this.db.prepare('INSERT INTO grants (id, user_id, client_id, scope, created_at) VALUES (?, ?, ?, ?, ?)').run(id, userId, clientId, scope, now());
      return id;
    })();
  }

  isGrantActive(grantId: string): boolean {
    const row = this.db.prepare<[string], { revoked_at: number | null }>('SELECT revoked_at FROM grants WHERE id = ?').get(grantId);
    return row !== undefined && row.revoked_at === null;
  }

  /** Steps 6 of the notes: the access token (an RFC 9068 JWT), and a refresh token when the grant allows it. */
  async issue(input: IssueInput): Promise<TokenResponse> {
    const scopes = input.scope.split(' ');
    const { token, claims } = await issueAccessToken(this.key, {
      issuer: this.config.issuer,
      subject: input.userId,
      audience: this.config.driveResource,
      clientId: input.clientId,
      scope: input.scope,
      expiresIn: this.config.lifetimes.accessToken,
    });
    this.db
      .prepare('INSERT INTO access_tokens (jti, grant_id, client_id, subject, scope, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(claims.jti, input.grantId, input.clientId, input.userId, input.scope, claims.exp);

    const response: TokenResponse = { access_token: token, token_type: 'Bearer', expires_in: this.config.lifetimes.accessToken, scope: input.scope };

    // offline_access is what the user consented to for a refresh token (shown on the consent screen).
    if (input.withRefreshToken && input.grantId !== null && scopes.includes(SCOPES.offline_access!.name)) {
      const refreshToken = randomToken();
      const family = input.family ?? { id: randomUUID(), expiresAt: now() + this.config.lifetimes.refreshToken };
      this.db
        .prepare(`INSERT INTO refresh_tokens (token_hash, family_id, grant_id, client_id, user_id, scope, family_expires_at, created_at)
                  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(hashToken(refreshToken), family.id, input.grantId, input.clientId, input.userId, input.scope, family.expiresAt, now());
      response.refresh_token = refreshToken;
    }
    return response;
  }

  /** Revoke a grant and everything issued under it (RFC 6749 §4.1.2, §10.4; RFC 9700 §4.14.2). */
  revokeGrant(grantId: string): void {
    const t = now();
    this.db.transaction(() => {
      this.db.prepare('UPDATE grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(t, grantId);
      this.db.prepare('UPDATE refresh_tokens SET revoked_at = ? WHERE grant_id = ? AND revoked_at IS NULL').run(t, grantId);
      this.db.prepare('UPDATE access_tokens SET revoked_at = ? WHERE grant_id = ? AND revoked_at IS NULL').run(t, grantId);
    })();
  }

  /** Revoke one access token: its `jti` is remembered as revoked until it expires (RFC 7009 §2). */
  revokeAccessToken(jti: string): void {
    this.db.prepare('UPDATE access_tokens SET revoked_at = ? WHERE jti = ? AND revoked_at IS NULL').run(now(), jti);
  }
}
