/**
 * @module keystore
 *
 * The signing key lives in the database: made once, on first start, and loaded on every start after, so its
 * `kid` survives restarts and tokens issued before a restart still verify after it.
 */
import { generateSigningKey, importSigningKey, type JWK, type SigningKey } from '@oauth-demo/tokens';
import type { SigningKeyStore } from './store/signing_keys.js';

export async function loadOrCreateSigningKey(keys: SigningKeyStore): Promise<SigningKey> {
  const stored = keys.newest();
  if (stored) return importSigningKey(JSON.parse(stored) as JWK);
  const fresh = await generateSigningKey();
  keys.insert(fresh.kid, JSON.stringify(fresh.privateJwk));
  return importSigningKey(fresh.privateJwk);
}
