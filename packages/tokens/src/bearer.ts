/**
 * @module bearer
 *
 * RFC 6750, the Bearer token usage: how a client presents an access token and how a resource server answers
 * when it is missing or not good enough.
 */
import { InvalidRequest, type OAuthError } from './errors.js';

/** RFC 6750 §2.1: b64token = 1*( ALPHA / DIGIT / "-" / "." / "_" / "~" / "+" / "/" ) *"=" */
const B64TOKEN = /^[A-Za-z0-9\-._~+/]+=*$/;

/**
 * Read the token from `Authorization: Bearer <token>` (RFC 6750 §2.1). Returns null when there is no Bearer
 * credential at all (then the answer is a bare challenge, RFC 6750 §3.1). The query-string and form-body
 * methods (§2.2, §2.3) are deliberately not accepted: tokens in URLs leak into logs and history
 * (RFC 9700 §4.3.2).
 */
export function parseBearerAuthorization(header: string | undefined): string | null {
  if (header === undefined) return null;
  const match = /^Bearer(?: +(.*))?$/i.exec(header.trim());
  if (!match) return null;
  const token = match[1]?.trim();
  if (!token || !B64TOKEN.test(token)) throw new InvalidRequest('The Authorization header is not "Bearer <token>".');
  return token;
}

export interface BearerChallenge {
  realm: string;
  error?: OAuthError;
  /** RFC 9728 §5.1: where the protected resource metadata is. */
  resourceMetadata?: string;
}

/** RFC 6750 §3: the `WWW-Authenticate` value. Without an error, only the realm: no error code is sent. */
export function buildBearerChallenge({ realm, error, resourceMetadata }: BearerChallenge): string {
  const params: [string, string][] = [['realm', realm]];
  if (error) {
    params.push(['error', error.error]);
    if (error.error_description) params.push(['error_description', error.error_description]);
    if ('requiredScope' in error && typeof error.requiredScope === 'string')
      params.push(['scope', error.requiredScope]);
  }
  if (resourceMetadata) params.push(['resource_metadata', resourceMetadata]);
  return `Bearer ${params.map(([k, v]) => `${k}="${quotable(v)}"`).join(', ')}`;
}

/** RFC 6750 §3: attribute values use %x20-21 / %x23-5B / %x5D-7E only (no `"` or `\`). */
function quotable(value: string): string {
  return value.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, '');
}

/** What a client reads from a resource server's `WWW-Authenticate: Bearer ...` challenge (RFC 6750 §3). */
export interface ParsedBearerChallenge {
  realm?: string;
  /** RFC 6750 §3.1: invalid_request, invalid_token or insufficient_scope. */
  error?: string;
  /** Human-readable: why the resource server refused (RFC 6750 §3). */
  error_description?: string;
  error_uri?: string;
  /** The scope the resource needs (RFC 6750 §3, with insufficient_scope). */
  scope?: string;
  /** RFC 9728 §5.1: where the protected resource metadata is. */
  resource_metadata?: string;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+/;
const AUTH_PARAM = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+)[ \t]*=[ \t]*("(?:[^"\\]|\\.)*"|[!#$%&'*+\-.^_`|~0-9A-Za-z]+)/;
const TOKEN68 = /^[A-Za-z0-9\-._~+/]+=*(?=[ \t]*(?:,|$))/;
const SHOWN_PARAMS = ['realm', 'error', 'error_description', 'error_uri', 'scope', 'resource_metadata'] as const;
/** A resource server's description is shown to a learner, not trusted: it is capped. */
const MAX_PARAM_LENGTH = 500;

/**
 * Read the Bearer challenge of a `WWW-Authenticate` value (RFC 6750 §3): its auth-params, whichever order,
 * quoted or not, with backslash escapes undone (the grammar of RFC 9110 §11.2 / RFC 7235 §2.1). The value may
 * hold several challenges (`Basic realm="x", Bearer error="invalid_token"`): only the Bearer one counts.
 * Returns null when there is no Bearer challenge. Never throws: a malformed tail is ignored.
 */
export function parseBearerChallenge(
  header: string | readonly string[] | undefined | null,
): ParsedBearerChallenge | null {
  const value = Array.isArray(header) ? header.join(', ') : typeof header === 'string' ? header : '';
  let rest = value;
  let scheme: string | null = null;
  let justAfterScheme = false;
  let bearer: Record<string, string> | null = null;
  while (rest.length > 0) {
    rest = rest.replace(/^[ \t,]+/, '');
    if (!rest) break;
    // After a scheme, `name=value` is one of its auth-params; a lone token starts the next challenge.
    const param = scheme !== null ? AUTH_PARAM.exec(rest) : null;
    if (param) {
      const [whole, name, raw] = param as unknown as [string, string, string];
      if (scheme === 'bearer' && bearer) {
        const key = name.toLowerCase();
        // RFC 9110 §5.6.4: a quoted-string, backslash escapes undone.
        const unquoted = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw;
        if (!(key in bearer)) bearer[key] = unquoted.slice(0, MAX_PARAM_LENGTH);
      }
      rest = rest.slice(whole.length);
      justAfterScheme = false;
      continue;
    }
    if (justAfterScheme) {
      const token68 = TOKEN68.exec(rest);
      if (token68) {
        rest = rest.slice(token68[0].length);
        justAfterScheme = false;
        continue;
      }
    }
    const token = TOKEN.exec(rest);
    if (!token) break; // not a challenge we can read any further
    scheme = token[0].toLowerCase();
    rest = rest.slice(token[0].length);
    justAfterScheme = true;
    if (scheme === 'bearer') {
      if (bearer) break; // a second Bearer challenge: keep the first
      bearer = {};
    }
  }
  if (!bearer) return null;
  const found = bearer;
  const challenge: ParsedBearerChallenge = {};
  for (const name of SHOWN_PARAMS) if (found[name] !== undefined) challenge[name] = found[name];
  return challenge;
}
