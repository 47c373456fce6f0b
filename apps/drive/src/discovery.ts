/**
 * @module discovery
 *
 * Finding the auth server's endpoints in its metadata (RFC 8414), over the back channel. Both ways of doing
 * step 8 start here: local JWT verification needs `jwks_uri` (token_verifier.ts), introspection needs
 * `introspection_endpoint` (introspection.ts). Nothing is configured by hand but the issuer and where to
 * reach it; everything else is discovered.
 */
import { TemporarilyUnavailable } from '@oauth-demo/tokens';

/** RFC 8414 §3: where an authorization server publishes its metadata. */
const AUTHORIZATION_SERVER_METADATA_PATH = '/.well-known/oauth-authorization-server';

/**
 * The metadata members (RFC 8414 §2) the drive may need: `jwks_uri` or `introspection_endpoint` for step 8,
 * depending on its validation mode; `token_endpoint` and `revocation_endpoint` for its own first-party web
 * app (the password-grant sign-in, web_app/password_grant.ts).
 */
export type AuthServerEndpoint = 'jwks_uri' | 'introspection_endpoint' | 'token_endpoint' | 'revocation_endpoint';

export interface DiscoveryOptions {
  /** The issuer we trust, exactly as it appears in `iss` (the auth server's public URL). */
  issuer: string;
  /** Where the drive reaches the auth server (may differ from the issuer, see `toInternalUrl`). */
  authInternalUrl: string;
  /** How long to wait for the metadata. */
  timeoutMs?: number;
}

/**
 * RFC 8414 §3.1: the metadata lives at the well-known path inserted between the host and any path of the
 * issuer (`https://as.example/tenant` → `https://as.example/.well-known/oauth-authorization-server/tenant`).
 * We build it on the INTERNAL base, because that is where we can connect.
 */
export function metadataUrlFor(authInternalUrl: string): string {
  const url = new URL(authInternalUrl);
  const path = url.pathname === '/' ? '' : url.pathname;
  return `${url.origin}${AUTHORIZATION_SERVER_METADATA_PATH}${path}`;
}

/**
 * The auth server's metadata names its endpoints under its PUBLIC URL (the issuer), because browsers and
 * tokens must see one single issuer everywhere (RFC 8414 §3.3). But the drive may not be able to connect to
 * that URL: inside docker-compose the issuer is `http://localhost:9000` (what the browser on the host uses),
 * and `localhost` inside the drive's container is the drive itself. The drive must fetch the keys (or call
 * the introspection endpoint) at `http://auth:9000/...` instead. This is the most common failure of OAuth
 * demos in Docker: everything works natively, then every API call fails in compose because the resource
 * server cannot reach the auth server.
 *
 * So a URL under the public base is rewritten to the same path under the internal base (compared on whole
 * path segments: `http://localhost:9000` does not cover `http://localhost:90001`). Anything else is
 * returned unchanged. Only where we connect changes: the expected `iss` stays the public URL.
 */
export function toInternalUrl(url: string, publicBase: string, internalBase: string): string {
  if (url === publicBase || url.startsWith(`${publicBase}/`)) return internalBase + url.slice(publicBase.length);
  return url;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Fetch the auth server's metadata (RFC 8414 §3) over the back channel and return the URL, rewritten to the
 * internal base, of one of its endpoints. Throws TemporarilyUnavailable (with the reason, for the log) when
 * the metadata cannot be used.
 */
export async function discoverEndpoint(options: DiscoveryOptions, name: AuthServerEndpoint): Promise<URL> {
  const metadataUrl = metadataUrlFor(options.authInternalUrl);
  let response: Response;
  try {
    response = await fetch(metadataUrl, {
      headers: { accept: 'application/json' },
      // Never follow a redirect on the back channel: we decide where we connect.
      redirect: 'manual',
      signal: AbortSignal.timeout(options.timeoutMs ?? 5000),
    });
  } catch {
    throw new TemporarilyUnavailable(`cannot reach the authorization server metadata at ${metadataUrl}`);
  }
  if (response.status !== 200) {
    throw new TemporarilyUnavailable(`the authorization server metadata at ${metadataUrl} answered HTTP ${response.status}`);
  }
  let metadata: unknown;
  try {
    metadata = await response.json();
  } catch {
    throw new TemporarilyUnavailable(`the authorization server metadata at ${metadataUrl} is not JSON`);
  }
  if (!isObject(metadata)) throw new TemporarilyUnavailable(`the authorization server metadata at ${metadataUrl} is not a JSON object`);

  // RFC 8414 §3.3: the `issuer` in the metadata MUST be identical to the issuer we expected; if not, the
  // metadata MUST NOT be used (it would let one server pass itself off as another).
  if (metadata.issuer !== options.issuer) {
    throw new TemporarilyUnavailable(
      `the metadata at ${metadataUrl} names the issuer ${JSON.stringify(metadata.issuer)}, not ${JSON.stringify(options.issuer)}; refusing to use it (RFC 8414 §3.3)`,
    );
  }
  // RFC 8414 §2: `jwks_uri` (the JSON Web Key Set, RFC 7517), `introspection_endpoint` (RFC 7662),
  // `token_endpoint` (RFC 6749 §3.2), `revocation_endpoint` (RFC 7009).
  const endpoint = metadata[name];
  if (typeof endpoint !== 'string') throw new TemporarilyUnavailable(`the metadata at ${metadataUrl} has no ${name}`);
  let url: URL;
  try {
    url = new URL(toInternalUrl(endpoint, options.issuer, options.authInternalUrl));
  } catch {
    throw new TemporarilyUnavailable(`the ${name} ${JSON.stringify(endpoint)} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TemporarilyUnavailable(`the ${name} ${endpoint} is not http(s)`);
  return url;
}

/**
 * Run `load` on first use and keep its result; after a failure, forget it, so the next call tries again
 * (the drive may start before the auth server). Concurrent callers share one attempt.
 */
export function rememberSuccess<T>(load: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    pending ??= load().catch((err: unknown) => {
      pending = undefined;
      throw err;
    });
    return pending;
  };
}
