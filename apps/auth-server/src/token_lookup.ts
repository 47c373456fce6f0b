/**
 * @module token_lookup
 *
 * Finding out what a presented token is, for introspection (RFC 7662) and revocation (RFC 7009): one of our
 * JWT access tokens (signature checked, then its `jti` looked up) or one of our refresh tokens (by hash).
 */
import { createLocalJWKSet, type JWTVerifyGetKey } from 'jose';
import { verifyAccessToken, type AccessTokenClaims, type SigningKey } from '@oauth-demo/tokens';
import type { Db } from '@oauth-demo/web';
import { hashToken, now } from './db.js';

export interface FoundAccessToken {
  kind: 'access_token';
  claims: AccessTokenClaims;
  grantId: string | null;
  active: boolean;
}

export interface FoundRefreshToken {
  kind: 'refresh_token';
  tokenHash: string;
  familyId: string;
  grantId: string;
  clientId: string;
  userId: string;
  scope: string;
  iat: number;
  exp: number;
  active: boolean;
}

export type FoundToken = FoundAccessToken | FoundRefreshToken;

interface AccessRow {
  grant_id: string | null;
  revoked_at: number | null;
  grant_revoked_at: number | null;
}

interface RefreshRow {
  token_hash: string;
  family_id: string;
  grant_id: string;
  client_id: string;
  user_id: string;
  scope: string;
  created_at: number;
  family_expires_at: number;
  rotated_at: number | null;
  revoked_at: number | null;
  grant_revoked_at: number | null;
}

export class TokenLookup {
  private readonly keys: JWTVerifyGetKey;

  constructor(
    private readonly db: Db,
    key: SigningKey,
    private readonly issuer: string,
    private readonly audience: string,
  ) {
    this.keys = createLocalJWKSet({ keys: [key.publicJwk] });
  }

  async find(token: string, hint?: string): Promise<FoundToken | undefined> {
    // RFC 7009 §2.1 / RFC 7662 §2.1: the hint only says where to look first; a wrong hint still finds it.
    const access = () => this.findAccessToken(token);
    const refresh = () => this.findRefreshToken(token);
    const [first, second] = hint === 'refresh_token' ? [refresh, access] : [access, refresh];
    return (await first()) ?? (await second());
  }

  private async findAccessToken(token: string): Promise<FoundAccessToken | undefined> {
    if (token.split('.').length !== 3) return undefined;
    let claims: AccessTokenClaims;
    try {
      claims = await verifyAccessToken(token, { issuer: this.issuer, audience: this.audience, keys: this.keys, clockTolerance: 0 });
    } catch {
      return undefined; // not ours, tampered, or expired: inactive either way
    }
    const row = this.db
      .prepare<[string], AccessRow>(`SELECT a.grant_id, a.revoked_at, g.revoked_at AS grant_revoked_at
                                     FROM access_tokens a LEFT JOIN grants g ON g.id = a.grant_id WHERE a.jti = ?`)
      .get(claims.jti);
    if (!row) return undefined;
    return { kind: 'access_token', claims, grantId: row.grant_id, active: row.revoked_at === null && row.grant_revoked_at === null };
  }

  private async findRefreshToken(token: string): Promise<FoundRefreshToken | undefined> {
    const row = this.db
      .prepare<[string], RefreshRow>(`SELECT r.*, g.revoked_at AS grant_revoked_at
                                      FROM refresh_tokens r JOIN grants g ON g.id = r.grant_id WHERE r.token_hash = ?`)
      .get(hashToken(token));
    if (!row) return undefined;
    const active = row.revoked_at === null && row.rotated_at === null && row.grant_revoked_at === null && row.family_expires_at > now();
    return {
      kind: 'refresh_token',
      tokenHash: row.token_hash,
      familyId: row.family_id,
      grantId: row.grant_id,
      clientId: row.client_id,
      userId: row.user_id,
      scope: row.scope,
      iat: row.created_at,
      exp: row.family_expires_at,
      active,
    };
  }
}
