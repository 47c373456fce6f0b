/**
 * @module token_verifier
 *
 * Step 8 of the notes: "Drive verifies the token", the default way (`DRIVE_TOKEN_VALIDATION=jwt`). The
 * drive never calls the auth server per request. It verifies each JWT access token (RFC 9068) locally, with
 * the public keys the auth server publishes at its `jwks_uri`, and finds that `jwks_uri` in the auth
 * server's metadata (RFC 8414, see discovery.ts).
 *
 * The trade-off (compare introspection.ts): fast, and the API keeps working while the auth server is down
 * once the keys are cached; but nothing in a JWT changes when it is revoked, so a revoked token is still
 * accepted here until its `exp`. That is why access tokens are short-lived.
 *
 * The keys are fetched at start-up (`prepare`, called in the background by server.ts, with retries), so that
 * the first learners' requests do not wait for them, and a busy auth server at the start of a class cannot time
 * them out. If that has not succeeded yet, the first request that carries a token tries again, and so does
 * every request after a failure, so the drive may start before the auth server. Whatever goes wrong on the way
 * (auth server down, wrong issuer, no keys) the answer is 503 temporarily_unavailable: access is refused, never
 * granted (docs/security.md §R8).
 */
import { createRemoteJWKSet, errors, type JWTVerifyGetKey } from 'jose';
import { type AccessTokenAlgorithm, TemporarilyUnavailable, verifyAccessToken } from '@oauth-demo/tokens';
import type { AxiosInstance } from 'axios';
import { createBackChannel, rememberSuccess } from '@oauth-demo/back-channel';
import { discoverEndpoint, DRIVE_USER_AGENT } from './discovery.js';
import type { TokenValidator } from './token_validator.js';

export interface TokenVerifierOptions {
  /** The issuer we trust, exactly as it appears in `iss` (the auth server's public URL). */
  issuer: string;
  /** This resource server's identifier, exactly as it must appear in `aud` (RFC 9068 §4). */
  audience: string;
  /** Where the drive reaches the auth server (may differ from the issuer, docs/design.md "Public vs internal URLs"). */
  authInternalUrl: string;
  /** The drive's back channel (app.ts); one of its own when not given (the bench's variants). */
  http?: AxiosInstance;
  /**
   * The accepted signature algorithms (config.ts, `DRIVE_TOKEN_ALGORITHMS`); all of ACCESS_TOKEN_ALGORITHMS by
   * default. Each key is used only with its own `alg`/`kty` (jose's key sets choose by both).
   */
  algorithms?: readonly AccessTokenAlgorithm[];
  /** Trusted keys given directly (tests): skips discovery. */
  keys?: JWTVerifyGetKey;
  /** How long to wait for the metadata and for the JWKS. */
  timeoutMs?: number;
  /** Where discovery failures are reported for the operator (never to the API caller). */
  log?: (message: string) => void;
}

export function createTokenVerifier(options: TokenVerifierOptions): TokenValidator {
  const log = options.log ?? ((message: string) => console.warn(`drive: ${message}`));
  const checks = {
    issuer: options.issuer,
    audience: options.audience,
    ...(options.algorithms ? { algorithms: options.algorithms } : {}),
  };
  if (options.keys) {
    const keys = refuseWhenKeysUnavailable(options.keys, log);
    return { validate: (token, requiredScope) => verifyAccessToken(token, { ...checks, keys, requiredScope }) };
  }
  const discovered = discoveredKeys(options, log);
  return {
    validate: (token, requiredScope) => verifyAccessToken(token, { ...checks, keys: discovered.getKey, requiredScope }),
    prepare: discovered.prepare,
  };
}

interface DiscoveredKeys {
  getKey: JWTVerifyGetKey;
  /** Discover the JWKS and fetch the keys now. */
  prepare(): Promise<void>;
}

/**
 * A key getter that discovers the JWKS on first use and retries discovery after a failure. Concurrent
 * requests share one discovery. Once found, jose's remote key set caches the keys and refetches them when a
 * token names an unknown `kid` (key rotation).
 */
function discoveredKeys(options: TokenVerifierOptions, log: (message: string) => void): DiscoveredKeys {
  const http =
    options.http ?? createBackChannel({ timeoutMs: options.timeoutMs ?? 5000, userAgent: DRIVE_USER_AGENT }).http;
  const keySet = rememberSuccess(async (): Promise<RemoteKeys> => {
    const jwksUri = await discoverEndpoint({ ...options, http }, 'jwks_uri'); // throws TemporarilyUnavailable, with the reason
    const remote = createRemoteJWKSet(jwksUri, {
      timeoutDuration: options.timeoutMs ?? 5000,
      // Keys are reused for 10 minutes, then fetched again.
      cacheMaxAge: 10 * 60 * 1000,
      // A token with an unknown kid triggers a refetch at most every 30 s: tokens with made-up kids
      // cannot make the drive hammer the auth server.
      cooldownDuration: 30 * 1000,
    });
    return { remote, getKey: refuseWhenKeysUnavailable(remote, log) };
  });
  return {
    async getKey(header, token) {
      let keys: RemoteKeys;
      try {
        keys = await keySet();
      } catch (err) {
        // The details (internal URLs) go to the log; the caller learns only that access is refused.
        log(`token verification unavailable: ${err instanceof Error ? err.message : String(err)}`);
        throw new TemporarilyUnavailable('The authorization server keys could not be fetched; access is refused.');
      }
      return keys.getKey(header, token);
    },
    // Fetch the keys now (again): called at start-up and then every few minutes (app.ts), so that the cached
    // keys stay fresh and no request has to wait for them. Failures are thrown with their reason; the caller
    // decides what to log (the auth server may simply not be up yet).
    async prepare() {
      const { remote } = await keySet();
      await remote.reload();
    },
  };
}

interface RemoteKeys {
  remote: ReturnType<typeof createRemoteJWKSet>;
  getKey: JWTVerifyGetKey;
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
