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
    if ('requiredScope' in error && typeof error.requiredScope === 'string') params.push(['scope', error.requiredScope]);
  }
  if (resourceMetadata) params.push(['resource_metadata', resourceMetadata]);
  return `Bearer ${params.map(([k, v]) => `${k}="${quotable(v)}"`).join(', ')}`;
}

/** RFC 6750 §3: attribute values use %x20-21 / %x23-5B / %x5D-7E only (no `"` or `\`). */
function quotable(value: string): string {
  return value.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, '');
}
