/**
 * @module discovery
 *
 * Finding the auth server's endpoints in its metadata (RFC 8414), over the back channel. Both ways of doing
 * step 8 start here: local JWT verification needs `jwks_uri` (token_verifier.ts), introspection needs
 * `introspection_endpoint` (introspection.ts), and Drive's own web app needs `token_endpoint` and
 * `revocation_endpoint`. Nothing is configured by hand but the issuer and where to reach it; everything else is
 * discovered, the way the printer does it: with @oauth-demo/back-channel (the well-known URL, the RFC 8414 §3.3
 * issuer check, the rewrite of public endpoint URLs to the internal base, docs/design.md "Public vs internal URLs").
 */
import type { AxiosInstance } from 'axios';
import { DiscoveryError, endpointFrom, fetchAuthorizationServerMetadata } from '@oauth-demo/back-channel';
import { TemporarilyUnavailable } from '@oauth-demo/tokens';

/**
 * The metadata members (RFC 8414 §2) the drive may need: `jwks_uri` or `introspection_endpoint` for step 8,
 * depending on its validation mode; `token_endpoint` and `revocation_endpoint` for its own first-party web
 * app (the password-grant sign-in, web_app/password_grant.ts).
 */
export type AuthServerEndpoint = 'jwks_uri' | 'introspection_endpoint' | 'token_endpoint' | 'revocation_endpoint';

export interface DiscoveryOptions {
  /** The issuer we trust, exactly as it appears in `iss` (the auth server's public URL). */
  issuer: string;
  /** Where the drive reaches the auth server (endpoints under the issuer are rewritten to it). */
  authInternalUrl: string;
  /** The drive's back channel (app.ts), with its timeout. */
  http: AxiosInstance;
}

/** How the drive names itself on the back channel: its peers file its calls under the drive's lane. */
export const DRIVE_USER_AGENT = 'drive/1.0';

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Fetch the auth server's metadata (RFC 8414 §3) over the back channel and return the URL, rewritten to the
 * internal base, of one of its endpoints. Throws TemporarilyUnavailable (with the reason, for the log) when
 * the metadata cannot be used.
 */
export async function discoverEndpoint(options: DiscoveryOptions, name: AuthServerEndpoint): Promise<URL> {
  const server = { issuer: options.issuer, publicUrl: options.issuer, internalUrl: options.authInternalUrl };
  try {
    return endpointFrom(await fetchAuthorizationServerMetadata(options.http, server), name, server);
  } catch (error) {
    if (error instanceof DiscoveryError) throw new TemporarilyUnavailable(error.message);
    throw error;
  }
}
