/**
 * @module token_lookup
 *
 * Finding out what a presented token is, for introspection (RFC 7662) and revocation (RFC 7009): one of our
 * JWT access tokens (signature checked, then its `jti` looked up) or one of our refresh tokens (by hash).
 */
import { createLocalJWKSet, type JWTVerifyGetKey } from 'jose';
import { verifyAccessToken, type AccessTokenClaims, type SigningKey } from '@oauth-demo/tokens';
import { now, type AuthStore } from './store/index.js';

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

export class TokenLookup {
  private readonly keys: JWTVerifyGetKey;

  constructor(
    private readonly store: AuthStore,
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
      claims = await verifyAccessToken(token, {
        issuer: this.issuer,
        audience: this.audience,
        keys: this.keys,
        clockTolerance: 0,
      });
    } catch {
      return undefined; // not ours, tampered, or expired: inactive either way
    }
    const row = this.store.accessTokens.find(claims.jti);
    if (row) return { kind: 'access_token', claims, grantId: row.grant_id, active: row.active };
    // No row: a client_credentials token, whose subject is the client itself (RFC 9068 §2.2), is kept nowhere
    // until it is revoked (issuance.ts): our signature, the issuer, audience and exp checked above are what make
    // it active (RFC 7662 §2.2). A token for a user always has its row while it is valid; without one it is not ours.
    if (claims.sub === claims.client_id) return { kind: 'access_token', claims, grantId: null, active: true };
    return undefined;
  }

  private async findRefreshToken(token: string): Promise<FoundRefreshToken | undefined> {
    const row = this.store.refreshTokens.find(token);
    if (!row) return undefined;
    const active =
      row.revoked_at === null &&
      row.rotated_at === null &&
      row.grant_revoked_at === null &&
      row.family_expires_at > now();
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
