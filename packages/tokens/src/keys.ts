/**
 * @module keys
 *
 * The authorization server's signing key. Asymmetric (ES256), so that resource servers verify with the public
 * half published at the `jwks_uri` and can never mint tokens themselves (RFC 9068 §4, RFC 8414 §2).
 * The `kid` is the key's RFC 7638 thumbprint: the same key always has the same `kid`, across restarts.
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';

/** The one algorithm our auth server signs with. */
export const SIGNING_ALG = 'ES256';

/**
 * The allow-list of access token algorithms a verifier accepts by default (RFC 8725 §3.1, RFC 9068 §4): every
 * asymmetric JWS algorithm of RFC 7518 §3.1 and RFC 8037 §3.1, so that tokens of any standard authorization
 * server verify (RS256 is the most common default), and nothing else. `none` is absent (anyone could "sign"),
 * and so is every HMAC algorithm (HS256...): with HMAC the verifier holds the signing secret, so a resource
 * server could mint tokens, and an attacker could sign with the public key as the "secret" (algorithm
 * confusion). A key is used only with its own algorithm: jose's key sets pick a key by `kid`, by `alg` when
 * the JWK names one, and by `kty` (RSA for RS and PS, EC for ES, OKP for EdDSA), never another.
 */
export const ACCESS_TOKEN_ALGORITHMS = [
  'RS256',
  'RS384',
  'RS512',
  'PS256',
  'PS384',
  'PS512',
  'ES256',
  'ES384',
  'ES512',
  'EdDSA',
] as const;

export type AccessTokenAlgorithm = (typeof ACCESS_TOKEN_ALGORITHMS)[number];

export function isAccessTokenAlgorithm(value: string): value is AccessTokenAlgorithm {
  return (ACCESS_TOKEN_ALGORITHMS as readonly string[]).includes(value);
}

export type { JWK } from 'jose';

export interface SigningKey {
  kid: string;
  alg: typeof SIGNING_ALG;
  privateKey: CryptoKey;
  /** What goes in the JWKS: public parameters only, plus kid, alg and use. */
  publicJwk: JWK;
}

/** A new key pair, as JWKs ready to store. Store `privateJwk` (it holds `d`); publish `publicJwk`. */
export async function generateSigningKey(): Promise<{ kid: string; privateJwk: JWK; publicJwk: JWK }> {
  const { privateKey, publicKey } = await generateKeyPair(SIGNING_ALG, { extractable: true });
  const publicParams = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicParams);
  const publicJwk: JWK = { ...publicParams, kid, alg: SIGNING_ALG, use: 'sig' };
  const privateJwk: JWK = { ...(await exportJWK(privateKey)), kid, alg: SIGNING_ALG, use: 'sig' };
  return { kid, privateJwk, publicJwk };
}

/** Load a stored private JWK back into a usable signing key. */
export async function importSigningKey(privateJwk: JWK): Promise<SigningKey> {
  const { d: _private, ...publicParams } = privateJwk;
  const kid = await calculateJwkThumbprint({
    kty: publicParams.kty,
    crv: publicParams.crv,
    x: publicParams.x,
    y: publicParams.y,
  });
  if (privateJwk.kid !== undefined && privateJwk.kid !== kid) {
    throw new Error(`stored key ${privateJwk.kid} does not match its thumbprint ${kid}`);
  }
  const privateKey = await importJWK(privateJwk, SIGNING_ALG);
  if (!('type' in privateKey) || privateKey.type !== 'private') throw new Error('not a private key');
  return { kid, alg: SIGNING_ALG, privateKey, publicJwk: { ...publicParams, kid, alg: SIGNING_ALG, use: 'sig' } };
}
