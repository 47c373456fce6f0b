/**
 * @module protocol
 *
 * Names the specifications fix, declared once for the three services: the well-known paths where metadata lives
 * and the grant type URNs. The auth server serves them, the printer and Drive look for them.
 */

/** RFC 8414 §3: where an authorization server publishes its metadata. */
export const AUTHORIZATION_SERVER_METADATA_PATH = '/.well-known/oauth-authorization-server';

/** RFC 9728 §3: where a protected resource publishes its metadata. */
export const PROTECTED_RESOURCE_METADATA_PATH = '/.well-known/oauth-protected-resource';

/** RFC 8628 §3.4: the grant type of the Device Authorization Grant's token request. */
export const DEVICE_CODE_GRANT_TYPE = 'urn:ietf:params:oauth:grant-type:device_code';

/**
 * RFC 8414 §3.1: the metadata URL of an issuer: the well-known path inserted between the host and any path
 * (`https://as.example/tenant` → `https://as.example/.well-known/oauth-authorization-server/tenant`).
 */
export function authorizationServerMetadataUrl(issuerOrBase: string): string {
  const url = new URL(issuerOrBase);
  const path = url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
  return `${url.origin}${AUTHORIZATION_SERVER_METADATA_PATH}${path}`;
}
