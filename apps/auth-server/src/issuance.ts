/**
 * @module issuance
 *
 * Issuing tokens under a grant (step 6 of the notes). A grant is one user's consent to one client for some
 * scopes (store/grants.ts); every token issued here points to the grant it came from, so revoking the grant
 * revokes everything issued under it.
 */
import { labAudience } from './lab/lab_clients.js';
import { randomBytes, randomUUID } from 'node:crypto';
import { issueAccessToken, type SigningKey } from '@oauth-demo/tokens';
import type { AuthConfig } from './config.js';
import { now, type AuthStore } from './store/index.js';
import { SCOPES } from './scopes.js';

/** RFC 6749 §5.1: the successful token response. */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope: string;
  refresh_token?: string;
}

export interface IssueInput {
  /** The grant the token comes from; null for client credentials (no user, nothing consented). */
  grantId: string | null;
  clientId: string;
  userId: string;
  scope: string;
  /**
   * The family the tokens belong to: an existing refresh-token family (rotation, with its absolute end), or a
   * new one with this id (a code's redemption, so that a replay of the code can revoke it). A new one otherwise.
   */
  family?: { id: string; expiresAt?: number };
  withRefreshToken: boolean;
}

/** 256 random bits, base64url: for codes and refresh tokens, which are opaque to everyone but us. */
export function randomToken(): string {
  return randomBytes(32).toString('base64url');
}

export class Issuer {
  constructor(
    private readonly store: AuthStore,
    private readonly key: SigningKey,
    private readonly config: AuthConfig,
  ) {}

  /** Step 6 of the notes: the access token (an RFC 9068 JWT), and a refresh token when the grant allows it. */
  async issue(input: IssueInput): Promise<TokenResponse> {
    const scopes = input.scope.split(' ');
    const { token, claims } = await issueAccessToken(this.key, {
      issuer: this.config.issuer,
      subject: input.userId,
      // Drive, for every client except the attack lab's copy whose tokens are for another API (lab/lab_clients.ts).
      audience: labAudience(input.clientId, this.config) ?? this.config.driveResource,
      clientId: input.clientId,
      scope: input.scope,
      expiresIn: this.config.lifetimes.accessToken,
    });
    // No grant (client_credentials), no family: nothing that a replayed code or a refresh could revoke together.
    const family =
      input.grantId === null
        ? undefined
        : {
            id: input.family?.id ?? randomUUID(),
            expiresAt: input.family?.expiresAt ?? now() + this.config.lifetimes.refreshToken,
          };
    // A token under a grant is kept by its `jti`, so that revoking the grant (the user's Connected apps, a
    // refresh token revoked, RFC 7009 §2.1) or a replayed code (RFC 6749 §4.1.2) ends it before its `exp`.
    // A client_credentials token has no grant to revoke: it is written down only if it is itself revoked
    // (store/access_tokens.ts), and introspection knows it by its signature (token_lookup.ts).
    if (input.grantId !== null && family)
      this.store.accessTokens.insert({
        jti: claims.jti,
        grantId: input.grantId,
        familyId: family.id,
        clientId: input.clientId,
        subject: input.userId,
        scope: input.scope,
        expiresAt: claims.exp,
      });

    const response: TokenResponse = {
      access_token: token,
      token_type: 'Bearer',
      expires_in: this.config.lifetimes.accessToken,
      scope: input.scope,
    };

    // offline_access is what the user consented to for a refresh token (shown on the consent screen).
    if (input.withRefreshToken && family && input.grantId !== null && scopes.includes(SCOPES.offline_access!.name)) {
      const refreshToken = randomToken();
      this.store.refreshTokens.insert(refreshToken, {
        familyId: family.id,
        familyExpiresAt: family.expiresAt,
        grantId: input.grantId,
        clientId: input.clientId,
        userId: input.userId,
        scope: input.scope,
      });
      response.refresh_token = refreshToken;
    }
    return response;
  }
}
