/**
 * @module inspector
 *
 * The token inspector: every token the learner met in this session, decoded, and each JWT's signature verified
 * in front of them against the auth server's published keys (its JWKS, RFC 7517), the way Drive does in step 8.
 *
 * Photo Printer itself treats access tokens as opaque (RFC 6749 §1.4): it never needs to read them. This page is
 * a teaching tool that looks inside anyway, and says what only the auth server (or Drive) decides.
 */
import { compactVerify, createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, type JSONWebKeySet } from 'jose';
import { ACCESS_TOKEN_ALGORITHMS, ACCESS_TOKEN_TYP, fingerprint } from '@oauth-demo/tokens';
import type { Exchange } from './recorder.js';

/** The inspector accepts what Drive accepts by default: the asymmetric algorithms of the tokens package (RFC 8725 §3.1). */
const ALGORITHMS = [...ACCESS_TOKEN_ALGORITHMS];

export type TokenKind = 'access_token' | 'refresh_token' | 'authorization_code' | 'device_code' | 'pasted';

export interface MetToken {
  kind: TokenKind;
  value: string;
  /** Where the learner met it. */
  source: string;
  at?: number;
}

export const KIND_LABELS: Record<TokenKind, string> = {
  access_token: 'Access token',
  refresh_token: 'Refresh token',
  authorization_code: 'Authorization code',
  device_code: 'Device code',
  pasted: 'Pasted token',
};

/** One line per claim of RFC 9068 §2.2 (and RFC 7519 §4.1). */
const CLAIM_MEANINGS: Record<string, string> = {
  iss: 'Issuer: the authorization server that made and signed this token. Drive accepts only its own auth server.',
  sub: 'Subject: whom the token speaks for, the Resource Owner (alice, bob), or the client itself when there is no user (client credentials).',
  aud: 'Audience: the Resource Server the token is for. Drive refuses a token meant for another API.',
  client_id: 'The Client the token was issued to (Photo Printer, the print lab, the kiosk).',
  scope: 'What the token allows: the scopes the auth server wrote into it, at most what you granted on the consent screen (a client’s own scopes for client credentials). Believe it only if the signature verifies: anyone can write any scope into a forged token.',
  iat: 'Issued at: when the auth server made it (seconds since 1970).',
  exp: 'Expiry: after this instant Drive refuses it, and the client must refresh or ask again.',
  jti: 'JWT ID: a unique identifier of this one token (lets the auth server revoke or trace it).',
  nbf: 'Not before: the token is not valid before this instant.',
  auth_time: 'When the user signed in.',
};

const HEADER_MEANINGS: Record<string, string> = {
  alg: 'The signature algorithm. ES256 = ECDSA with P-256 and SHA-256 (RS256 = RSA, EdDSA = Ed25519): the auth server signs with a private key, anyone verifies with the public one. Never "none" or HMAC (HS256), whose secret would let the verifier sign too.',
  typ: '"at+jwt": this JWT is an access token (RFC 9068 §2.1), so an ID token or another JWT cannot be passed off as one.',
  kid: 'Key ID: which of the auth server’s published keys (JWKS) verifies the signature.',
};

export interface ShownClaim {
  name: string;
  value: string;
  meaning: string;
  /** For iat/exp: the instant, readable. */
  when?: number;
}

export interface Verification {
  /** null: the keys could not be fetched, nothing was verified. */
  signatureValid: boolean | null;
  kid?: string;
  alg?: string;
  /** Why the signature is not valid, or why the claims fail. */
  reason?: string;
  /** The full checks of RFC 9068 §4 (typ, alg), beyond the signature: expired, wrong typ… */
  claimsVerdict?: string;
}

export interface InspectedToken {
  kind: TokenKind;
  source: string;
  at?: number;
  fingerprint: string;
  /** As shown: masked unless instructor mode. */
  shown: string;
  length: number;
  jwt: boolean;
  header?: ShownClaim[];
  claims?: ShownClaim[];
  expiresAt?: number;
  verification?: Verification;
  /** For opaque values: what the value is and who can tell what it means. */
  opaqueExplanation?: string;
}

const OPAQUE: Record<TokenKind, string> = {
  refresh_token:
    'Opaque: a random string with nothing inside. Only the auth server can tell what it means (which user, client, scope, whether it is still alive), by looking it up in its database. Photo Printer can ask it about its own tokens (introspection, RFC 7662). It is never sent to Drive.',
  authorization_code:
    'Opaque and one-time: a random string the auth server stored with your consent, the client_id, the redirect_uri and the PKCE challenge. It was redeemed once at the token endpoint (step 5) and is dead now; only the auth server knows what it stood for.',
  device_code: 'Opaque: the kiosk’s secret handle on the device authorization request (RFC 8628). Only the auth server knows what it stands for.',
  access_token: 'Opaque to Photo Printer: this access token is not a JWT, so only the auth server can tell what it means (introspection, RFC 7662).',
  pasted: 'Not a JWT (three base64url parts separated by dots): an opaque value. Only the server that issued it can tell what it means, for example by introspection (RFC 7662).',
};

function decodePart(part: string | undefined): Record<string, unknown> | null {
  if (!part) return null;
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function shownValue(v: unknown): string {
  const text = typeof v === 'string' ? v : JSON.stringify(v);
  return (text ?? '').slice(0, 500);
}

function maskToken(value: string): string {
  return value.length <= 12 ? '••••' : `${value.slice(0, 12)}… (${value.length} characters; the rest is shown in instructor mode)`;
}

/** Decode and (when keys are given) verify one token. `keys` null: the JWKS could not be fetched. */
export async function inspectToken(token: MetToken, keys: JSONWebKeySet | null, reveal: boolean, now = Date.now()): Promise<InspectedToken> {
  const value = token.value.trim();
  const parts = value.split('.');
  const base: InspectedToken = {
    kind: token.kind,
    source: token.source,
    ...(token.at !== undefined ? { at: token.at } : {}),
    fingerprint: fingerprint(value),
    shown: reveal ? value : maskToken(value),
    length: value.length,
    jwt: false,
  };
  const header = parts.length === 3 ? decodePart(parts[0]) : null;
  const payload = parts.length === 3 ? decodePart(parts[1]) : null;
  if (!header || !payload) return { ...base, opaqueExplanation: OPAQUE[token.kind] };

  const claims: ShownClaim[] = Object.entries(payload).map(([name, v]) => {
    const claim: ShownClaim = { name, value: shownValue(v), meaning: CLAIM_MEANINGS[name] ?? 'A claim this demo does not use.' };
    if ((name === 'iat' || name === 'exp' || name === 'nbf') && typeof v === 'number') claim.when = v * 1000;
    return claim;
  });
  const inspected: InspectedToken = {
    ...base,
    jwt: true,
    header: Object.entries(header).map(([name, v]) => ({ name, value: shownValue(v), meaning: HEADER_MEANINGS[name] ?? 'A header parameter.' })),
    claims,
  };
  if (typeof payload.exp === 'number') inspected.expiresAt = payload.exp * 1000;
  inspected.verification = await verifySignature(value, keys, now);
  return inspected;
}

/** The signature against the JWKS (which key, which algorithm), then the RFC 9068 checks as a separate verdict. */
async function verifySignature(token: string, keys: JSONWebKeySet | null, now = Date.now()): Promise<Verification> {
  let protectedHeader: { kid?: string; alg?: string } = {};
  try {
    protectedHeader = decodeProtectedHeader(token);
  } catch {
    return { signatureValid: false, reason: 'The header cannot be decoded: this is not a well-formed JWS.' };
  }
  const out: Verification = { signatureValid: null };
  if (typeof protectedHeader.kid === 'string') out.kid = protectedHeader.kid;
  if (typeof protectedHeader.alg === 'string') out.alg = protectedHeader.alg;
  if (!keys) return { ...out, reason: 'The auth server’s keys (JWKS) could not be fetched, so nothing was verified.' };
  const jwks = createLocalJWKSet(keys);
  try {
    await compactVerify(token, jwks, { algorithms: ALGORITHMS });
    out.signatureValid = true;
  } catch (error) {
    out.signatureValid = false;
    out.reason = signatureFailure(error);
    return out;
  }
  try {
    await jwtVerify(token, jwks, { algorithms: ALGORITHMS, typ: ACCESS_TOKEN_TYP, currentDate: new Date(now) });
    out.claimsVerdict = `valid now: typ ${ACCESS_TOKEN_TYP}, alg ${out.alg ?? '?'}, not expired`;
  } catch (error) {
    out.claimsVerdict = error instanceof errors.JWTExpired ? 'expired: Drive would refuse it (invalid_token)' : `not acceptable as an access token: ${error instanceof Error ? error.message : 'invalid'}`;
  }
  return out;
}

function signatureFailure(error: unknown): string {
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'signature invalid: the header or claims were changed after the auth server signed them, or another key signed them.';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key in the auth server’s JWKS has this kid: the auth server did not sign this token.';
  if (error instanceof errors.JOSEAlgNotAllowed) return `the algorithm is not one of ${ALGORITHMS.join(', ')}: refused (an attacker could otherwise pick "none" or HMAC, RFC 8725 §3.1).`;
  if (error instanceof errors.JWSInvalid) return 'not a well-formed JWS.';
  return error instanceof Error ? error.message : 'invalid';
}

/** Tokens in Photo Printer's own recordings of this session's flows: the callback's code, token responses. */
export function tokensInRecordings(exchanges: Exchange[]): MetToken[] {
  const found: MetToken[] = [];
  for (const e of exchanges) {
    if (e.recordedBy !== 'printer') continue;
    if (e.channel === 'front' && e.request.url?.startsWith('/callback')) {
      const code = new URL(e.request.url, 'http://x').searchParams.get('code');
      if (code) found.push({ kind: 'authorization_code', value: code, source: 'Step 4: the code in the redirect back to Photo Printer', at: e.at });
    }
    if (e.channel !== 'back' || !e.response.body || e.response.status !== 200) continue;
    let body: unknown;
    try {
      body = JSON.parse(e.response.body);
    } catch {
      continue;
    }
    if (typeof body !== 'object' || body === null) continue;
    const b = body as Record<string, unknown>;
    const grant = e.request.body ? new URLSearchParams(e.request.body).get('grant_type') : null;
    const how = grant ? `Step 6: token response (grant_type=${grant.replace('urn:ietf:params:oauth:grant-type:', '')})` : e.label;
    if (typeof b.access_token === 'string') found.push({ kind: 'access_token', value: b.access_token, source: how, at: e.at });
    if (typeof b.refresh_token === 'string') found.push({ kind: 'refresh_token', value: b.refresh_token, source: how, at: e.at });
    if (typeof b.device_code === 'string') found.push({ kind: 'device_code', value: b.device_code, source: 'Device authorization response (RFC 8628)', at: e.at });
  }
  return found;
}

/** What a client's session holds (the printer's connection to Drive, the kiosk's token), as far as the inspector cares. */
export interface HeldTokens {
  connection?: { access_token: string; refresh_token?: string; connectedAt: number; refreshedAt?: number };
  kioskAccessToken?: string;
}

/** The tokens this session holds now (the recordings may be off, or forgotten after a restart). */
export function tokensInSession(held: HeldTokens): MetToken[] {
  const found: MetToken[] = [];
  const c = held.connection;
  if (c) {
    found.push({ kind: 'access_token', value: c.access_token, source: 'Photo Printer’s current access token for your Drive', at: c.refreshedAt ?? c.connectedAt });
    if (c.refresh_token) found.push({ kind: 'refresh_token', value: c.refresh_token, source: 'Photo Printer’s current refresh token', at: c.refreshedAt ?? c.connectedAt });
  }
  const k = held.kioskAccessToken;
  if (k) found.push({ kind: 'access_token', value: k, source: 'The kiosk’s access token (device flow)' });
  return found;
}

/** Newest first, each value once (the first source that names it wins). */
export function uniqueTokens(tokens: MetToken[]): MetToken[] {
  const seen = new Set<string>();
  return [...tokens]
    .sort((a, b) => (b.at ?? 0) - (a.at ?? 0))
    .filter((t) => {
      if (seen.has(t.value)) return false;
      seen.add(t.value);
      return true;
    });
}
