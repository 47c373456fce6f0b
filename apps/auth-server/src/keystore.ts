/**
 * @module keystore
 *
 * The signing key lives in the database: made once, on first start, and loaded on every start after, so its
 * `kid` survives restarts and tokens issued before a restart still verify after it.
 */
import { generateSigningKey, importSigningKey, type JWK, type SigningKey } from '@oauth-demo/tokens';
import type { Db } from '@oauth-demo/web';

import { now } from './db.js';

export async function loadOrCreateSigningKey(db: Db): Promise<SigningKey> {
  const row = db.prepare<[], { private_jwk: string }>('SELECT private_jwk FROM signing_keys ORDER BY created_at DESC LIMIT 1').get();
  if (row) return importSigningKey(JSON.parse(row.private_jwk) as JWK);
  const fresh = await generateSigningKey();
  db.prepare('INSERT INTO signing_keys (kid, private_jwk, created_at) VALUES (?, ?, ?)').run(fresh.kid, JSON.stringify(fresh.privateJwk), now());
  return importSigningKey(fresh.privateJwk);
}
