/**
 * @module display
 *
 * How the pages talk ABOUT tokens without ever showing one (RFC 6750 §5.3, RFC 9700 §4.3):
 * a fingerprint (the first characters of the token's SHA-256), enough to see that a token changed and which
 * one is which, and useless to anyone who reads the page.
 */
import { createHash } from 'node:crypto';

/** Hex characters of the SHA-256 shown for a token. 6 are enough to tell a few tokens apart on one page. */
const FINGERPRINT_LENGTH = 6;

/** `sha256:3f9a1c`: the first 6 hex characters of the token's SHA-256. */
export function fingerprint(token: string): string {
  return `sha256:${createHash('sha256').update(token, 'utf8').digest('hex').slice(0, FINGERPRINT_LENGTH)}`;
}

/** The claims of a JWT access token the pages explain (RFC 9068 §2.2). */
export interface ShownClaims {
  iss?: string;
  sub?: string;
  aud?: string;
  client_id?: string;
  scope?: string;
  iat?: number;
  exp?: number;
}

/**
 * The payload of a JWT, DECODED, NOT VERIFIED: for display only. The client treats an access token as opaque
 * (RFC 6749 §1.4); Drive is the one that verifies it (step 8). Returns null for anything that is not a JWT.
 */
export function decodeClaimsForDisplay(token: string): ShownClaims | null {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (typeof payload !== 'object' || payload === null) return null;
  const p = payload as Record<string, unknown>;
  const shown: ShownClaims = {};
  for (const name of ['iss', 'sub', 'client_id', 'scope'] as const)
    if (typeof p[name] === 'string') shown[name] = (p[name] as string).slice(0, 200);
  if (typeof p.aud === 'string') shown.aud = p.aud.slice(0, 200);
  else if (Array.isArray(p.aud))
    shown.aud = p.aud
      .filter((a) => typeof a === 'string')
      .join(' ')
      .slice(0, 200);
  for (const name of ['iat', 'exp'] as const) if (typeof p[name] === 'number') shown[name] = p[name] as number;
  return shown;
}
