/**
 * @module verified_token_cache
 *
 * Step 8, made cheap for the second time a token is seen: remember the tokens the drive has already verified,
 * so that the same token sent again (Photo Printer lists the photos, then fetches each thumbnail, with one
 * access token) costs a hash and a map lookup instead of an ES256 signature verification. Measured by
 * `pnpm bench` (benchmark 1): a jose verification per request halves the drive's throughput; with this cache
 * the protected route answers about as fast as the same route without authentication.
 *
 * It wraps the drive's TokenValidator (token_validator.ts) and changes none of its answers:
 * - Only successes are cached. A token that fails (bad signature, wrong iss/aud, expired, 503 because the keys
 *   could not be fetched, missing scope) is never remembered, so it is checked in full every time.
 * - An entry expires no later than the token's own `exp` (and no later than `maxAgeMs` after it was verified,
 *   which bounds how long a key withdrawn from the JWKS keeps being honoured for an already-seen token).
 *   jose accepts a token up to 5 s past `exp` (clock tolerance); the cache never does.
 * - The required scope is checked on every request: a hit without the scope falls through to the validator,
 *   which gives the usual 403 insufficient_scope.
 * - Keys are the SHA-256 of the full token string (header, payload AND signature): a token that differs in any
 *   byte, a forged signature included, is a miss. Bearer tokens themselves are not kept in memory.
 * - Bounded: at most `maxEntries` entries; the oldest is dropped first (O(1) per insert). Only tokens that
 *   verified can be inserted, so an attacker cannot fill it with garbage.
 * - The claims handed out are frozen (their top level: every claim the drive reads is a string or a number),
 *   so no route can change what the next request will see.
 *
 * app.ts uses it in `jwt` mode only: introspection mode exists so that revocation takes effect at once, and a
 * cache would undo that. (In `jwt` mode a revoked token already works until `exp`, so caching changes nothing
 * there.)
 */
import { createHash } from 'node:crypto';
import { type AccessTokenClaims, hasScope } from '@oauth-demo/tokens';
import type { TokenValidator } from './token_validator.js';

export interface VerifiedTokenCacheOptions {
  /** Most entries kept at once (default 10 000: about 2 MB). */
  maxEntries?: number;
  /** Longest an entry is trusted after its verification, in ms (default 60 s), even if `exp` is later. */
  maxAgeMs?: number;
  /** Clock in ms since the epoch (tests). */
  now?: () => number;
}

interface Entry {
  claims: Readonly<AccessTokenClaims>;
  /** ms since the epoch; the entry is unusable from this instant on. */
  expiresAt: number;
}

export class VerifiedTokenCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxEntries: number;
  private readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(options: VerifiedTokenCacheOptions = {}) {
    this.maxEntries = options.maxEntries ?? 10_000;
    this.maxAgeMs = options.maxAgeMs ?? 60_000;
    this.now = options.now ?? Date.now;
    if (!(this.maxEntries >= 1) || !(this.maxAgeMs > 0))
      throw new RangeError('maxEntries must be ≥ 1 and maxAgeMs > 0');
  }

  static keyOf(token: string): string {
    return createHash('sha256').update(token, 'utf8').digest('base64url');
  }

  /** The claims of a token verified before and not yet expired, or undefined. */
  get(token: string): Readonly<AccessTokenClaims> | undefined {
    const key = VerifiedTokenCache.keyOf(token);
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (this.now() >= entry.expiresAt) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.claims;
  }

  /** Remember a token that was just verified successfully. Returns the frozen claims to hand out. */
  set(token: string, claims: AccessTokenClaims): Readonly<AccessTokenClaims> {
    const frozen = Object.freeze({ ...claims });
    if (typeof claims.exp !== 'number' || !Number.isFinite(claims.exp)) return frozen;
    const now = this.now();
    const expiresAt = Math.min(claims.exp * 1000, now + this.maxAgeMs);
    if (expiresAt <= now) return frozen;
    const key = VerifiedTokenCache.keyOf(token);
    this.entries.delete(key); // re-inserted at the end: the newest
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
    this.entries.set(key, { claims: frozen, expiresAt });
    return frozen;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}

/** Claims handed out from the cache, not from a verification (for the timeline: wasRemembered). */
const remembered = new WeakSet<object>();

/** Did these claims come from the cache (the token was verified on an earlier request)? */
export function wasRemembered(claims: object): boolean {
  return remembered.has(claims);
}

/** The validator, with verified tokens remembered (see the module comment for what is and is not cached). */
export function withVerifiedTokenCache(
  inner: TokenValidator,
  options: VerifiedTokenCacheOptions = {},
): TokenValidator & { readonly cache: VerifiedTokenCache } {
  const cache = new VerifiedTokenCache(options);
  return {
    cache,
    prepare: inner.prepare?.bind(inner),
    async validate(token: string, requiredScope: string): Promise<AccessTokenClaims> {
      const hit = cache.get(token);
      if (hit && hasScope(hit.scope, requiredScope)) {
        const answer = Object.freeze({ ...hit });
        remembered.add(answer);
        return answer;
      }
      // A miss, or a hit without the scope: the full check, which throws exactly what it always threw.
      const claims = await inner.validate(token, requiredScope);
      return cache.set(token, claims);
    },
  };
}
