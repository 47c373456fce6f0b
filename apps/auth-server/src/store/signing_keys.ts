/**
 * @module store/signing_keys
 *
 * The auth server's signing keys (private JWKs), newest last. See keystore.ts for when one is made.
 */
import type { Db } from '@oauth-demo/web';
import { now } from './database.js';

export class SigningKeyStore {
  constructor(private readonly db: Db) {}

  /** The newest private JWK, as stored (JSON text). */
  newest(): string | undefined {
    return this.db
      .prepare<[], { private_jwk: string }>('SELECT private_jwk FROM signing_keys ORDER BY created_at DESC LIMIT 1')
      .get()?.private_jwk;
  }

  insert(kid: string, privateJwk: string): void {
    this.db
      .prepare('INSERT INTO signing_keys (kid, private_jwk, created_at) VALUES (?, ?, ?)')
      .run(kid, privateJwk, now());
  }
}
