/**
 * @module claims_editor
 *
 * The inspector's claims editor: a learner edits a token's header and claims and re-encodes it, then watches Drive
 * refuse it. Two ways to re-encode, the two forgeries RFC 8725 warns about:
 *
 * - `unsigned`: an Unsecured JWT (RFC 7519 §6: `"alg": "none"` and an empty signature). Drive accepts only the
 *   asymmetric algorithms of the auth server (RFC 8725 §2.1 and §3.1, RFC 9068 §4), so "none" is refused before any
 *   key is looked at.
 * - `demo-key` / `demo-key-own-kid`: signed with ES256 by the *demo key*, a key pair Photo Printer makes at start-up
 *   and shows to everyone (its public JWK is on the page). It is NOT the auth server's key: Photo Printer never has
 *   that one (it lives in the auth server's database). Keeping the auth server's `kid` in the header, Drive finds that
 *   key and the signature does not verify with it; with the demo key's own `kid`, Drive finds no key with that `kid`
 *   in the auth server's JWKS (RFC 9068 §4: only the auth server's keys count).
 *
 * jose does all the crypto (CompactSign, key generation, thumbprints).
 */
import {
  base64url,
  CompactSign,
  calculateJwkThumbprint,
  errors,
  exportJWK,
  generateKeyPair,
  type CryptoKey,
  type JWK,
} from 'jose';

export type ReencodeMode = 'unsigned' | 'demo-key' | 'demo-key-own-kid';

export const REENCODE_MODES: readonly ReencodeMode[] = ['unsigned', 'demo-key', 'demo-key-own-kid'];

/** The learner-visible key: its private half stays in the printer's memory, its public JWK is on the page. */
export interface DemoKey {
  kid: string;
  privateKey: CryptoKey;
  /** The public JWK (kty, crv, x, y, kid, alg, use): what the page shows. Never a private member. */
  publicJwk: JWK;
}

/** A fresh ES256 key pair, made once per printer at start-up. Its kid says what it is. */
export async function createDemoKey(): Promise<DemoKey> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = await exportJWK(publicKey);
  const kid = `demo-key-not-the-auth-server-${(await calculateJwkThumbprint(jwk)).slice(0, 8)}`;
  return {
    kid,
    privateKey,
    publicJwk: { kty: jwk.kty, crv: jwk.crv, x: jwk.x, y: jwk.y, kid, alg: 'ES256', use: 'sig' },
  };
}

/** The largest header or claims text the editor takes (a real access token's claims are a few hundred bytes). */
const MAX_EDITED_JSON = 8000;

export type ParsedJsonObject = { ok: true; value: Record<string, unknown> } | { ok: false; error: string };

/** A learner's JSON text as a JSON object (RFC 7519 §7.2: the header and the claims set are each one JSON object). */
export function parseJsonObject(text: string, what: 'header' | 'claims'): ParsedJsonObject {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: false, error: `The ${what} is empty: write a JSON object, for example {}.` };
  if (trimmed.length > MAX_EDITED_JSON)
    return { ok: false, error: `The ${what} is longer than ${MAX_EDITED_JSON} characters.` };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch (error) {
    const detail = error instanceof SyntaxError ? error.message : 'not JSON';
    return {
      ok: false,
      error: `The ${what} is not valid JSON (${detail.slice(0, 200)}). Names and strings need double quotes; no comma after the last member.`,
    };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return {
      ok: false,
      error: `The ${what} must be a JSON object ({ … }), not ${Array.isArray(value) ? 'an array' : typeof value}.`,
    };
  return { ok: true, value: value as Record<string, unknown> };
}

/** jose refused to sign under this header (an unknown `crit` extension, a malformed one): the learner's to fix. */
export class HeaderRefused extends Error {
  constructor(reason: string) {
    super(`This header cannot be signed: ${reason} (RFC 7515 §4.1.11 for "crit").`);
    this.name = 'HeaderRefused';
  }
}

export interface Reencoded {
  token: string;
  mode: ReencodeMode;
  /** The header as it was encoded (alg and, for the demo key's own kid, kid set by the mode). */
  header: Record<string, unknown>;
  /** What Drive is expected to answer, and why: the lesson of this mode. */
  expectation: string;
}

/**
 * Encode `claims` under `header` the way `mode` says. The mode decides `alg` (a learner cannot make the editor sign
 * with a key it does not have); every other header member is the learner's.
 */
export async function reencodeToken(
  header: Record<string, unknown>,
  claims: Record<string, unknown>,
  mode: ReencodeMode,
  demoKey: DemoKey,
): Promise<Reencoded> {
  const payload = new TextEncoder().encode(JSON.stringify(claims));
  if (mode === 'unsigned') {
    // RFC 7519 §6.1: an Unsecured JWT is a JWS with "alg": "none" and the empty octet sequence as signature.
    const unsigned = { ...header, alg: 'none' };
    return {
      token: `${base64url.encode(JSON.stringify(unsigned))}.${base64url.encode(payload)}.`,
      mode,
      header: unsigned,
      expectation:
        'Refused before any key is looked at: "alg": "none" means no signature at all, and Drive accepts only the auth server’s asymmetric algorithms (RFC 8725 §2.1, §3.1; RFC 9068 §4).',
    };
  }
  const signed: Record<string, unknown> = { ...header, alg: 'ES256' };
  if (mode === 'demo-key-own-kid') signed.kid = demoKey.kid;
  let token: string;
  try {
    token = await new CompactSign(payload).setProtectedHeader(signed as { alg: string }).sign(demoKey.privateKey);
  } catch (error) {
    if (error instanceof errors.JOSEError) throw new HeaderRefused(error.message.slice(0, 200));
    throw error;
  }
  const keptKid = typeof signed.kid === 'string' ? signed.kid : undefined;
  return {
    token,
    mode,
    header: signed,
    expectation:
      mode === 'demo-key-own-kid' || keptKid === undefined
        ? `A real ES256 signature, by the demo key. Drive looks for the key named by kid ${keptKid ? `"${keptKid}"` : '(none)'} among the auth server’s published keys (its JWKS), finds none, and refuses: only the auth server’s keys count (RFC 9068 §4).`
        : `A real ES256 signature, by the demo key, under the auth server’s kid "${keptKid}". Drive fetches that key from the auth server’s JWKS and the signature does not verify with it: refused (RFC 9068 §4, RFC 7515 §5.2).`,
  };
}

/** The two parts of a compact JWS as JSON text for the editor's boxes, or null when they do not decode. */
export function decodeForEditing(token: string): { header: string; claims: string } | null {
  const [h, p] = token.trim().split('.');
  if (!h || !p) return null;
  try {
    const header = JSON.parse(new TextDecoder().decode(base64url.decode(h))) as unknown;
    const claims = JSON.parse(new TextDecoder().decode(base64url.decode(p))) as unknown;
    if (typeof header !== 'object' || header === null || typeof claims !== 'object' || claims === null) return null;
    return { header: JSON.stringify(header, null, 2), claims: JSON.stringify(claims, null, 2) };
  } catch {
    return null;
  }
}
