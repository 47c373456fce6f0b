/**
 * @module token_verifier
 *
 * Step 8 of the notes: "Drive verifies the token". The drive never calls the auth server per request. It
 * verifies each JWT access token (RFC 9068) locally, with the public keys the auth server publishes at its
 * `jwks_uri`, and finds that `jwks_uri` in the auth server's metadata (RFC 8414).
 *
 * Discovery is lazy: it happens on the first request that carries a token, and again after any failure, so
 * the drive may start before the auth server. Whatever goes wrong on the way (auth server down, wrong issuer,
 * no keys) the answer is 503 temporarily_unavailable: access is refused, never granted (SECURITY.md).
 */
import { createRemoteJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import { type AccessTokenClaims, TemporarilyUnavailable, verifyAccessToken } from '@oauth-demo/tokens';

/** RFC 8414 §3: where an authorization server publishes its metadata. */
export const AUTHORIZATION_SERVER_METADATA_PATH = '/.well-known/oauth-authorization-server';

export interface TokenVerifierOptions {
  /** The issuer we trust, exactly as it appears in `iss` (the auth server's public URL). */
  issuer: string;
  /** This resource server's identifier, exactly as it must appear in `aud` (RFC 9068 §4). */
  audience: string;
  /** Where the drive reaches the auth server (may differ from the issuer, see `toInternalUrl`). */
  authInternalUrl: string;
  /** Trusted keys given directly (tests): skips discovery. */
  keys?: JWTVerifyGetKey;
  /** How long to wait for the metadata and for the JWKS. */
  timeoutMs?: number;
  /** Where discovery failures are reported for the operator (never to the API caller). */
  log?: (message: string) => void;
}

export interface TokenVerifier {
  /**
   * The token's claims if it is valid for this drive and carries `requiredScope`. Otherwise throws
   * InvalidToken (401), InsufficientScope (403) or TemporarilyUnavailable (503).
   */
  verify(token: string, requiredScope: string): Promise<AccessTokenClaims>;
}

export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const log = options.log ?? ((message: string) => console.warn(`drive: ${message}`));
  const keys = options.keys ? refuseWhenKeysUnavailable(options.keys, log) : discoveredKeys(options, log);
  return {
    verify: (token, requiredScope) =>
      verifyAccessToken(token, { issuer: options.issuer, audience: options.audience, keys, requiredScope }),
  };
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
 * and `localhost` inside the drive's container is the drive itself. The drive must fetch the keys from
 * `http://auth:9000/...` instead. This is the most common failure of OAuth demos in Docker: everything works
 * natively, then every API call fails in compose because the resource server cannot fetch the JWKS.
 *
 * So a URL under the public base is rewritten to the same path under the internal base (compared on whole
 * path segments: `http://localhost:9000` does not cover `http://localhost:90001`). Anything else is
 * returned unchanged. Only where we connect changes: the expected `iss` stays the public URL.
 */
export function toInternalUrl(url: string, publicBase: string, internalBase: string): string {
  if (url === publicBase || url.startsWith(`${publicBase}/`)) return internalBase + url.slice(publicBase.length);
  return url;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Fetch the auth server's metadata (RFC 8414 §3) over the back channel and return the URL to fetch its
 * keys from. Throws TemporarilyUnavailable (with the reason, for the log) when the metadata cannot be used.
 */
export async function discoverJwksUri(options: { issuer: string; authInternalUrl: string; timeoutMs?: number }): Promise<URL> {
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
  // RFC 8414 §2: `jwks_uri`, the URL of the server's JSON Web Key Set (RFC 7517).
  const { jwks_uri: jwksUri } = metadata;
  if (typeof jwksUri !== 'string') throw new TemporarilyUnavailable(`the metadata at ${metadataUrl} has no jwks_uri`);
  let url: URL;
  try {
    url = new URL(toInternalUrl(jwksUri, options.issuer, options.authInternalUrl));
  } catch {
    throw new TemporarilyUnavailable(`the jwks_uri ${JSON.stringify(jwksUri)} is not a URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new TemporarilyUnavailable(`the jwks_uri ${jwksUri} is not http(s)`);
  return url;
}

/**
 * A key getter that discovers the JWKS on first use and retries discovery after a failure. Concurrent
 * requests share one discovery. Once found, jose's remote key set caches the keys and refetches them when a
 * token names an unknown `kid` (key rotation).
 */
function discoveredKeys(options: TokenVerifierOptions, log: (message: string) => void): JWTVerifyGetKey {
  let pending: Promise<JWTVerifyGetKey> | undefined;
  const load = (): Promise<JWTVerifyGetKey> => {
    pending ??= discoverJwksUri(options).then(
      (jwksUri) =>
        refuseWhenKeysUnavailable(
          createRemoteJWKSet(jwksUri, {
            timeoutDuration: options.timeoutMs ?? 5000,
            // Keys are reused for 10 minutes, then fetched again.
            cacheMaxAge: 10 * 60 * 1000,
            // A token with an unknown kid triggers a refetch at most every 30 s: tokens with made-up kids
            // cannot make the drive hammer the auth server.
            cooldownDuration: 30 * 1000,
          }),
          log,
        ),
      (err: unknown) => {
        pending = undefined; // the next request tries again
        // The details (internal URLs) go to the log; the caller learns only that access is refused.
        log(`token verification unavailable: ${err instanceof Error ? err.message : String(err)}`);
        throw new TemporarilyUnavailable('The authorization server keys could not be fetched; access is refused.');
      },
    );
    return pending;
  };
  return async (header, token) => (await load())(header, token);
}

/**
 * A token that names a key the auth server does not publish is the token's fault (401 invalid_token). Any
 * other failure to produce a key (network, timeout, an HTTP error or non-JSON from the JWKS endpoint) is
 * ours: refuse with 503, never let it pass and never blame the token.
 */
function refuseWhenKeysUnavailable(getKey: JWTVerifyGetKey, log: (message: string) => void): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await getKey(header, token);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys) throw err;
      log(`the authorization server keys could not be fetched: ${err instanceof Error ? err.message : String(err)}`);
      throw new TemporarilyUnavailable('The authorization server keys could not be fetched; access is refused.');
    }
  };
}
