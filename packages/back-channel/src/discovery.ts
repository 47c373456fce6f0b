/**
 * @module discovery
 *
 * RFC 8414: instead of configuring each endpoint of the authorization server by hand, a client or resource server
 * reads them from its metadata document, fetched over the back channel at the INTERNAL base, and checks that it
 * speaks for the issuer it trusts (the PUBLIC URL, §3.3).
 */
import type { AxiosInstance, AxiosResponse } from 'axios';
import { authorizationServerMetadataUrl } from '@oauth-demo/tokens';
import { describeNetworkError } from './http.js';
import { internalEndpoint, type ServiceBases } from './urls.js';

/** Why discovery failed: the server could not be asked (`unreachable`), or its answer cannot be used (`invalid`). */
export class DiscoveryError extends Error {
  constructor(
    readonly kind: 'unreachable' | 'invalid',
    message: string,
    /** The reason alone, to follow "the auth server is not reachable at <url>: " on a page. */
    readonly reason: string = message,
  ) {
    super(message);
    this.name = 'DiscoveryError';
  }
}

export interface AuthorizationServer extends ServiceBases {
  /** The issuer identifier we trust; the public URL of the authorization server. */
  issuer: string;
}

/**
 * GET the metadata (RFC 8414 §3.1) at the internal base and return it as a JSON object whose `issuer` is
 * exactly the one we trust (§3.3: otherwise the metadata MUST NOT be used: it would let one server pass itself off
 * as another). Throws DiscoveryError with the reason.
 */
export async function fetchAuthorizationServerMetadata(
  http: AxiosInstance,
  server: AuthorizationServer,
): Promise<Record<string, unknown>> {
  const url = authorizationServerMetadataUrl(server.internalUrl);
  let response: AxiosResponse<unknown>;
  try {
    response = await http.get<unknown>(url, { responseType: 'json', headers: { Accept: 'application/json' } });
  } catch (error) {
    const reason = describeNetworkError(error);
    throw new DiscoveryError(
      'unreachable',
      `cannot reach the authorization server metadata at ${url}: ${reason}`,
      reason,
    );
  }
  if (response.status !== 200) {
    throw new DiscoveryError(
      'unreachable',
      `the authorization server metadata at ${url} answered HTTP ${response.status}`,
      `its metadata at ${url} answered HTTP ${response.status}`,
    );
  }
  const metadata = response.data;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new DiscoveryError(
      'invalid',
      `the authorization server metadata at ${url} is not a JSON object (RFC 8414 §3.2)`,
    );
  }
  const issuer = (metadata as Record<string, unknown>).issuer;
  if (issuer !== server.issuer) {
    throw new DiscoveryError(
      'invalid',
      `the metadata at ${url} names the issuer ${JSON.stringify(issuer)}, not ${JSON.stringify(server.issuer)}; refusing to use it (RFC 8414 §3.3)`,
    );
  }
  return metadata as Record<string, unknown>;
}

/**
 * One endpoint of verified metadata (RFC 8414 §2: `jwks_uri`, `token_endpoint`, `introspection_endpoint`...), as an
 * absolute http(s) URL rewritten to the internal base. Throws DiscoveryError('invalid') when it is missing or unusable.
 */
export function endpointFrom(metadata: Record<string, unknown>, name: string, server: ServiceBases): URL {
  const value = metadata[name];
  if (typeof value !== 'string')
    throw new DiscoveryError('invalid', `the authorization server metadata has no ${name}`);
  let url: URL;
  try {
    url = new URL(internalEndpoint(value, server));
  } catch {
    throw new DiscoveryError('invalid', `the ${name} ${JSON.stringify(value)} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new DiscoveryError('invalid', `the ${name} ${value} is not http(s)`);
  return url;
}

/**
 * Run `load` on first use and keep its result; after a failure, forget it, so the next call tries again (a
 * service may start before its peer). Concurrent callers share one attempt.
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
