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
  /** A code: what the token endpoint answered when the client presented it (from the recordings). */
  redemption?: { status: number; error?: string; description?: string; at: number };
  /** A refresh token: when it was traded for new tokens (rotation: it died then). */
  rotatedAt?: number;
}

/**
 * A token's real state, as the inspector shows it on top of what its signature says: the signature of a revoked
 * token is still perfect, so only the authorization server (introspection, RFC 7662) can tell it is dead.
 */
export type TokenLife = 'active' | 'expired' | 'rotated' | 'revoked' | 'redeemed' | 'refused' | 'unused' | 'unknown';

export interface TokenStatus {
  life: TokenLife;
  /** One word or two, for the badge. */
  label: string;
  explanation: string;
}

export interface StatusInput {
  kind: TokenKind;
  /** What introspection (as Photo Printer) answered: true/false, or null when not asked or not answered. */
  introspected: boolean | null;
  /** Who asked the auth server, when not Photo Printer (the print lab asks about its own token as print-lab). */
  askedAs?: string;
  /** Why it was not asked, when it was not (e.g. another client's token). */
  notAsked?: string;
  expiresAt?: number;
  redemption?: MetToken['redemption'];
  rotatedAt?: number;
  /** Photo Printer's own idea of the expiry, when it differs (the "Don't wait" button). */
  clientExpiresAt?: number;
  now: number;
}

/** The state of one token: what the auth server says, explained with what the recordings show. */
export function tokenStatus(input: StatusInput): TokenStatus {
  const { kind, introspected, expiresAt, now } = input;
  if (kind === 'authorization_code') {
    const r = input.redemption;
    if (!r)
      return {
        life: 'unused',
        label: 'never redeemed',
        explanation:
          'No token request with this code was recorded: the flow stopped before step 5. It expires a minute after it was issued, unused.',
      };
    if (r.status >= 200 && r.status < 300)
      return {
        life: 'redeemed',
        label: 'redeemed, dead',
        explanation: `Redeemed once at the token endpoint (step 5, ${new Date(r.at).toISOString()}): a code works only once (RFC 6749 §4.1.2), so it is dead now.`,
      };
    return {
      life: 'refused',
      label: 'refused',
      explanation: `The token endpoint refused it (HTTP ${r.status}${r.error ? `, ${r.error}` : ''}${r.description ? `: “${r.description}”` : ''}). It was never redeemed: a code expires quickly and works once, and the client, redirect_uri and code_verifier must match (RFC 6749 §5.2).`,
    };
  }
  const expired = expiresAt !== undefined && expiresAt <= now;
  if (introspected === true) {
    const clientView =
      input.clientExpiresAt !== undefined && input.clientExpiresAt <= now && !expired
        ? ' Photo Printer itself treats it as expired (you pressed “Don’t wait”): it will refresh before its next call to Drive, although the auth server and Drive would still accept this one until its exp.'
        : '';
    return {
      life: 'active',
      label: 'active',
      explanation: `The auth server answered "active": true to ${input.askedAs ?? 'Photo Printer'}’s introspection request (RFC 7662 §2.2) just now.${clientView}`,
    };
  }
  if (introspected === false) {
    if (expired)
      return {
        life: 'expired',
        label: 'expired',
        explanation:
          'The auth server answered "active": false: its expiry (exp) has passed. Drive would refuse it (invalid_token).',
      };
    if (kind === 'refresh_token' && input.rotatedAt !== undefined) {
      return {
        life: 'rotated',
        label: 'rotated, dead',
        explanation: `Traded for new tokens at ${new Date(input.rotatedAt).toISOString()}: with rotation each refresh token works once (RFC 9700 §4.14.2), and the auth server answers "active": false. Presenting it again would be reuse, and revoke the whole family.`,
      };
    }
    return {
      life: 'revoked',
      label: 'revoked',
      explanation:
        kind === 'refresh_token'
          ? 'The auth server answered "active": false although it has not expired: it was revoked (Photo Printer removed under Connected apps, a sign-out that revokes, or its family revoked after a reuse).'
          : 'The auth server answered "active": false although its exp is still ahead: it was revoked (removed under Connected apps, or its grant revoked). Its signature is still perfect: Drive, checking JWTs locally, would accept it until exp; in introspection mode it refuses it at once.',
    };
  }
  const why = input.notAsked ?? 'The auth server could not be asked (no introspection endpoint, or it did not answer).';
  if (expired) return { life: 'expired', label: 'expired', explanation: `Its exp has passed. ${why}` };
  return {
    life: 'unknown',
    label: 'unknown',
    explanation: `${why} Its signature and expiry say nothing about revocation: only the auth server knows.`,
  };
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
  scope:
    'What the token allows: the scopes the auth server wrote into it, at most what you granted on the consent screen (a client’s own scopes for client credentials). Believe it only if the signature verifies: anyone can write any scope into a forged token.',
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
  /** The real state (set by the caller, which can ask the auth server). */
  status?: TokenStatus;
  /** A pasted value that looks like the page's masked display, not a token. */
  maskedHint?: string;
}

const OPAQUE: Record<TokenKind, string> = {
  refresh_token:
    'Opaque: a random string with nothing inside. Only the auth server can tell what it means (which user, client, scope, whether it is still alive), by looking it up in its database. Photo Printer can ask it about its own tokens (introspection, RFC 7662). It is never sent to Drive.',
  authorization_code:
    'Opaque and one-time: a random string the auth server stored with your consent, the client_id, the redirect_uri and the PKCE challenge. Only the auth server knows what it stood for; its state, above, is what the token endpoint answered.',
  device_code:
    'Opaque: the kiosk’s secret handle on the device authorization request (RFC 8628). Only the auth server knows what it stands for.',
  access_token:
    'Opaque to Photo Printer: this access token is not a JWT, so only the auth server can tell what it means (introspection, RFC 7662).',
  pasted:
    'Not a JWT (three base64url parts separated by dots): an opaque value. Only the server that issued it can tell what it means, for example by introspection (RFC 7662).',
};

function decodePart(part: string | undefined): Record<string, unknown> | null {
  if (!part) return null;
  try {
    const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
    return typeof value === 'object' && value !== null && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : null;
  } catch {
    return null;
  }
}

function shownValue(v: unknown): string {
  let text: string | undefined;
  try {
    text = typeof v === 'string' ? v : JSON.stringify(v);
  } catch {
    text = '(too deeply nested to show)';
  }
  return (text ?? '').slice(0, 500);
}

/** The largest instant a JavaScript Date can hold (ECMA-262 §21.4.1.22): beyond it, a date claim is shown as a number only. */
const MAX_DATE_MS = 8.64e15;

/** A NumericDate claim (RFC 7519 §2) as milliseconds, when it is one a clock can show; otherwise undefined. */
export function numericDateMs(v: unknown): number | undefined {
  if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
  const ms = v * 1000;
  return Math.abs(ms) <= MAX_DATE_MS ? ms : undefined;
}

function meaningOf(table: Record<string, string>, name: string, otherwise: string): string {
  return Object.hasOwn(table, name) ? (table[name] as string) : otherwise;
}

/** What the inspector's own masked display looks like: pasting it back is a common slip. */
function looksMasked(value: string): boolean {
  return /…|•|characters; the rest is shown|masked/.test(value);
}

function maskToken(value: string): string {
  return value.length <= 12
    ? '••••'
    : `${value.slice(0, 12)}… (${value.length} characters; the rest is shown in instructor mode)`;
}

/** Decode and (when keys are given) verify one token. `keys` null: the JWKS could not be fetched. */
export async function inspectToken(
  token: MetToken,
  keys: JSONWebKeySet | null,
  reveal: boolean,
  now = Date.now(),
): Promise<InspectedToken> {
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
  if (looksMasked(value)) {
    return {
      ...base,
      maskedHint:
        'This is the inspector’s masked display (the first characters and an ellipsis), not a token: the rest was never sent to your browser. Turn on instructor mode to see whole tokens, then copy one.',
      opaqueExplanation: 'Not a token: a masked display.',
    };
  }
  const header = parts.length === 3 ? decodePart(parts[0]) : null;
  const payload = parts.length === 3 ? decodePart(parts[1]) : null;
  if (parts.length === 3 && (!header || !payload)) {
    return {
      ...base,
      opaqueExplanation: `Three parts separated by dots, like a JWT, but its ${!header ? 'header' : 'claims'} no longer decode${!header ? 's' : ''} as JSON (base64url of a JSON object): the token was damaged or edited by hand. Drive would refuse it: no signature check can even begin.`,
    };
  }
  if (!header || !payload) return { ...base, opaqueExplanation: OPAQUE[token.kind] };

  const claims: ShownClaim[] = Object.entries(payload)
    .slice(0, 50)
    .map(([name, v]) => {
      const claim: ShownClaim = {
        name: name.slice(0, 100),
        value: shownValue(v),
        meaning: meaningOf(CLAIM_MEANINGS, name, 'A claim this demo does not use.'),
      };
      const when = name === 'iat' || name === 'exp' || name === 'nbf' ? numericDateMs(v) : undefined;
      if (when !== undefined) claim.when = when;
      else if (name === 'iat' || name === 'exp' || name === 'nbf')
        claim.meaning = `${claim.meaning} This value is not a NumericDate a clock can show (RFC 7519 §2: seconds since 1970), so Drive would refuse the token.`;
      return claim;
    });
  const inspected: InspectedToken = {
    ...base,
    jwt: true,
    header: Object.entries(header)
      .slice(0, 20)
      .map(([name, v]) => ({
        name: name.slice(0, 100),
        value: shownValue(v),
        meaning: meaningOf(HEADER_MEANINGS, name, 'A header parameter.'),
      })),
    claims,
  };
  const expiresAt = numericDateMs(payload.exp);
  if (expiresAt !== undefined) inspected.expiresAt = expiresAt;
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
    out.claimsVerdict =
      error instanceof errors.JWTExpired
        ? 'expired: Drive would refuse it (invalid_token)'
        : `not acceptable as an access token: ${error instanceof Error ? error.message : 'invalid'}`;
  }
  return out;
}

function signatureFailure(error: unknown): string {
  if (error instanceof errors.JWSSignatureVerificationFailed)
    return 'signature invalid: the header or claims were changed after the auth server signed them, or another key signed them.';
  if (error instanceof errors.JWKSNoMatchingKey)
    return 'no key in the auth server’s JWKS has this kid: the auth server did not sign this token.';
  if (error instanceof errors.JOSEAlgNotAllowed)
    return `the algorithm is not one of ${ALGORITHMS.join(', ')}: refused (an attacker could otherwise pick "none" or HMAC, RFC 8725 §3.1).`;
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
      if (code)
        found.push({
          kind: 'authorization_code',
          value: code,
          source: 'Step 4: the code in the redirect back to Photo Printer',
          at: e.at,
        });
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
    const how = grant
      ? `Step 6: token response (grant_type=${grant.replace('urn:ietf:params:oauth:grant-type:', '')})`
      : e.label;
    if (typeof b.access_token === 'string')
      found.push({ kind: 'access_token', value: b.access_token, source: how, at: e.at });
    if (typeof b.refresh_token === 'string')
      found.push({ kind: 'refresh_token', value: b.refresh_token, source: how, at: e.at });
    if (typeof b.device_code === 'string')
      found.push({
        kind: 'device_code',
        value: b.device_code,
        source: 'Device authorization response (RFC 8628)',
        at: e.at,
      });
  }
  const outcomes = tokenRequestOutcomes(exchanges);
  return found.map((t) => {
    if (t.kind === 'authorization_code') {
      const r = outcomes.codes.get(t.value);
      return r ? { ...t, redemption: r } : t;
    }
    if (t.kind === 'refresh_token') {
      const at = outcomes.rotated.get(t.value);
      return at !== undefined ? { ...t, rotatedAt: at } : t;
    }
    return t;
  });
}

/**
 * What the token endpoint answered to each code the client presented, and when each refresh token was traded
 * (from the client's own records of its token requests: the request as sent, the answer as received).
 */
export function tokenRequestOutcomes(exchanges: Exchange[]): {
  codes: Map<string, NonNullable<MetToken['redemption']>>;
  rotated: Map<string, number>;
} {
  const codes = new Map<string, NonNullable<MetToken['redemption']>>();
  const rotated = new Map<string, number>();
  for (const e of exchanges) {
    if (e.recordedBy !== 'printer' || e.channel !== 'back' || !e.request.body || e.response.status === undefined)
      continue;
    const form = new URLSearchParams(e.request.body);
    const grant = form.get('grant_type');
    if (grant === 'authorization_code' && form.get('code')) {
      const redemption: NonNullable<MetToken['redemption']> = { status: e.response.status, at: e.at };
      try {
        const body = JSON.parse(e.response.body ?? '') as Record<string, unknown>;
        if (typeof body.error === 'string') redemption.error = body.error.slice(0, 100);
        if (typeof body.error_description === 'string') redemption.description = body.error_description.slice(0, 300);
      } catch {
        // no JSON body: the status says enough
      }
      codes.set(form.get('code')!, redemption);
    }
    if (grant === 'refresh_token' && form.get('refresh_token') && e.response.status === 200)
      rotated.set(form.get('refresh_token')!, e.at);
  }
  return { codes, rotated };
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
    found.push({
      kind: 'access_token',
      value: c.access_token,
      source: 'Photo Printer’s current access token for your Drive',
      at: c.refreshedAt ?? c.connectedAt,
    });
    if (c.refresh_token)
      found.push({
        kind: 'refresh_token',
        value: c.refresh_token,
        source: 'Photo Printer’s current refresh token',
        at: c.refreshedAt ?? c.connectedAt,
      });
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
