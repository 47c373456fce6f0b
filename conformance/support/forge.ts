/**
 * Forged access tokens, to check that the drive verifies what RFC 9068 §4 and RFC 8725 say.
 *
 * Two kinds of forger:
 * - an attacker's own key (the attacker has no access to the auth server): `alg: none`, HMAC keyed with the
 *   public key, unknown `kid`, a key embedded in the header (`jwk`, `jku`, `x5u`, `x5c`);
 * - the auth server's REAL signing key, read from the data directory of the service we started. Only with it
 *   can a test show that a token with a valid signature is still refused for one wrong claim (`typ`, `iss`,
 *   `aud`, `exp`), instead of for its signature. A deployment owner has this key; an attacker does not.
 */
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import {
  base64url,
  exportJWK,
  generateKeyPair,
  importJWK,
  SignJWT,
  type CryptoKey,
  type JWK,
  type JWTHeaderParameters,
} from 'jose';
import { dataDir } from '@oauth-demo/testkit';
import { DRIVE_RESOURCE, ISSUER, PRINTER, stack } from './stack.js';

export interface Claims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  client_id?: string;
  scope?: string;
  iat?: number;
  exp?: number;
  jti?: string;
  [name: string]: unknown;
}

export const now = () => Math.floor(Date.now() / 1000);

/** What a genuine access token for alice from the printer says (RFC 9068 §2.2). */
export function genuineClaims(overrides: Claims = {}): Claims {
  const iat = now();
  return {
    iss: ISSUER,
    sub: 'alice',
    aud: DRIVE_RESOURCE,
    client_id: PRINTER.clientId,
    scope: 'photos.read',
    iat,
    exp: iat + 300,
    jti: randomUUID(),
    ...overrides,
  };
}

/** Drop claims whose override is `undefined` (to forge a token that lacks them). */
function clean(claims: Claims): Record<string, unknown> {
  return Object.fromEntries(Object.entries(claims).filter(([, v]) => v !== undefined));
}

export interface RealKey {
  kid: string;
  alg: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

/** The auth server's signing key, from the `signing_keys` table of its database (opened read-only). */
export async function realSigningKey(): Promise<RealKey> {
  const db = new Database(join(dataDir('auth-server', stack), 'auth.db'), { readonly: true, fileMustExist: true });
  try {
    const row = db.prepare('SELECT private_jwk FROM signing_keys ORDER BY created_at DESC LIMIT 1').get() as
      | { private_jwk: string }
      | undefined;
    if (!row) throw new Error('the auth server has no signing key in its database');
    const jwk = JSON.parse(row.private_jwk) as JWK;
    const { d: _d, ...publicJwk } = jwk;
    return {
      kid: String(jwk.kid),
      alg: String(jwk.alg ?? 'ES256'),
      privateKey: (await importJWK(jwk, jwk.alg ?? 'ES256')) as CryptoKey,
      publicJwk,
    };
  } finally {
    db.close();
  }
}

/** Sign `claims` with the real key; `header` overrides the genuine header (`typ: at+jwt`, `kid`). */
export async function signWithRealKey(
  key: RealKey,
  claims: Claims,
  header: Partial<JWTHeaderParameters> & { typ?: string | undefined } = {},
): Promise<string> {
  const protectedHeader = Object.fromEntries(
    Object.entries({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header }).filter(([, v]) => v !== undefined),
  ) as JWTHeaderParameters;
  return new SignJWT(clean(claims)).setProtectedHeader(protectedHeader).sign(key.privateKey);
}

export interface AttackerKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
}

export async function attackerKey(): Promise<AttackerKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { privateKey, publicJwk: await exportJWK(publicKey) };
}

export async function signWithAttackerKey(
  key: AttackerKey,
  claims: Claims,
  header: Partial<JWTHeaderParameters>,
): Promise<string> {
  return new SignJWT(clean(claims)).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', ...header }).sign(key.privateKey);
}

/** `alg: none`: header and payload, and an empty signature (RFC 7519 §6.1). */
export function unsecuredToken(claims: Claims): string {
  const enc = (v: unknown) => base64url.encode(JSON.stringify(v));
  return `${enc({ alg: 'none', typ: 'at+jwt' })}.${enc(clean(claims))}.`;
}

/**
 * The classic algorithm-confusion forgery: HS256, keyed with the bytes of the verifier's PUBLIC key (as JWK
 * JSON and as its x coordinate), hoping the verifier lets the token choose HMAC.
 */
export async function hmacWithPublicKey(publicJwk: JWK, claims: Claims, kid: string): Promise<string[]> {
  const secrets = [
    Buffer.from(JSON.stringify(publicJwk)),
    Buffer.from(String(publicJwk.x)),
    Buffer.from(base64url.decode(String(publicJwk.x))),
  ];
  return Promise.all(
    secrets.map((secret) =>
      new SignJWT(clean(claims)).setProtectedHeader({ alg: 'HS256', kid, typ: 'at+jwt' }).sign(new Uint8Array(secret)),
    ),
  );
}
