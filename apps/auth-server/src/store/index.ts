/**
 * @module store
 *
 * Every SQL statement of the auth server's own records lives in store/ (users and clients have their
 * repositories in ../users.ts and ../clients.ts). Built once in createApp() and shared through the context.
 */
import type { Db } from '@oauth-demo/web';
import { AccessTokenStore } from './access_tokens.js';
import { CodeStore } from './codes.js';
import { now } from './database.js';
import { DeviceCodeStore } from './device_codes.js';
import { GrantStore } from './grants.js';
import { RefreshTokenStore } from './refresh_tokens.js';
import { SigningKeyStore } from './signing_keys.js';

export { hashToken, now, openAuthDatabase } from './database.js';
export type { DeviceCodeRecord } from './device_codes.js';

/** How long a record is kept after it can no longer be used, in seconds (why: housekeeping.ts). */
export const KEPT_AFTER_EXPIRY_S = 60 * 60;

export interface SweepCounts {
  access_tokens: number;
  authorization_codes: number;
  refresh_tokens: number;
  device_codes: number;
}

export class AuthStore {
  readonly codes: CodeStore;
  readonly grants: GrantStore;
  readonly refreshTokens: RefreshTokenStore;
  readonly accessTokens: AccessTokenStore;
  readonly deviceCodes: DeviceCodeStore;
  readonly signingKeys: SigningKeyStore;

  constructor(private readonly db: Db) {
    this.codes = new CodeStore(db);
    this.grants = new GrantStore(db);
    this.refreshTokens = new RefreshTokenStore(db);
    this.accessTokens = new AccessTokenStore(db);
    this.deviceCodes = new DeviceCodeStore(db);
    this.signingKeys = new SigningKeyStore(db);
  }

  /** Delete what stopped being usable more than KEPT_AFTER_EXPIRY_S before `at`; how many rows of each kind went. */
  sweepExpired(at: number = now()): SweepCounts {
    const before = at - KEPT_AFTER_EXPIRY_S;
    const db = this.db;
    return db.transaction(() => ({
      access_tokens: db.prepare('DELETE FROM access_tokens WHERE expires_at < ?').run(before).changes,
      authorization_codes: db.prepare('DELETE FROM authorization_codes WHERE expires_at < ?').run(before).changes,
      refresh_tokens: db.prepare('DELETE FROM refresh_tokens WHERE family_expires_at < ?').run(before).changes,
      device_codes: db.prepare('DELETE FROM device_codes WHERE expires_at < ?').run(before).changes,
    }))();
  }

  /**
   * Reset demo: forget every grant, code, token, device request and browser session, so the next class starts
   * from the seed. Users, clients and the signing key stay. A client_credentials token has no row unless it was
   * revoked, and then its row is that revocation (access_tokens.ts): those rows stay until housekeeping sweeps them
   * after the token's `exp`, so that a revoked token never comes back to life (RFC 7009 §2).
   */
  forgetAllGrants(): void {
    const db = this.db;
    db.transaction(() => {
      db.prepare('DELETE FROM access_tokens WHERE grant_id IS NOT NULL').run();
      for (const table of ['authorization_codes', 'refresh_tokens', 'device_codes', 'grants', 'sessions'])
        db.prepare(`DELETE FROM ${table}`).run();
    })();
  }
}
