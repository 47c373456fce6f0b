/**
 * @module client_auth
 *
 * Client authentication at the token endpoint, RFC 6749 §2.3.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { base64url } from 'jose';
import { InvalidClient } from './errors.js';

export interface BasicCredentials {
  clientId: string;
  clientSecret: string;
}

/**
 * RFC 6749 §2.3.1: `Authorization: Basic base64(urlencode(client_id) ":" urlencode(client_secret))`.
 * Returns null when the header is not Basic; throws 401 invalid_client (with a Basic challenge) when it is
 * Basic but malformed, so a broken header is never a 500.
 */
export function parseBasicAuthorization(header: string | undefined): BasicCredentials | null {
  if (header === undefined) return null;
  const match = /^Basic(?: +(.*))?$/i.exec(header.trim());
  if (!match) return null;
  const encoded = match[1]?.trim() ?? '';
  if (!/^[A-Za-z0-9+/]+=*$/.test(encoded)) throw new InvalidClient('The Basic credentials are not valid base64.', true);
  const decoded = Buffer.from(encoded, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 1) throw new InvalidClient('The Basic credentials are not "client_id:client_secret".', true);
  try {
    return { clientId: formDecode(decoded.slice(0, colon)), clientSecret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw new InvalidClient('The Basic credentials are not valid form-urlencoded values.', true);
  }
}

/** The inverse, for clients: RFC 6749 §2.3.1 says to form-urlencode both parts before base64. */
export function buildBasicAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString('base64')}`;
}

function formDecode(value: string): string {
  return decodeURIComponent(value.replace(/\+/g, ' '));
}

function formEncode(value: string): string {
  return encodeURIComponent(value).replace(/%20/g, '+');
}

/**
 * A new client secret: 32 random octets (256 bits). With that much entropy a fast hash is the right store:
 * nobody can brute-force a 256-bit preimage, so a slow hash would only slow the token endpoint down.
 */
export function generateClientSecret(): string {
  return base64url.encode(randomBytes(32));
}

export function hashClientSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('base64url');
}

/** Compare in constant time, so response timing leaks nothing about the stored hash. */
export function verifyClientSecret(secret: string, storedHash: string): boolean {
  const actual = Buffer.from(hashClientSecret(secret));
  const expected = Buffer.from(storedHash);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
