/**
 * @module oauth/connection
 *
 * "Connected to Drive" = this browser session holds tokens (after step 6). They live in the server-side session
 * only: never in a cookie, a page, a URL or a log (RFC 6749 §10.3, RFC 6750 §5.3, RFC 9700 §4.3).
 *
 * Before each call to Drive (step 7) the access token is checked; when it has expired and a refresh token was
 * granted (scope offline_access), a new one is fetched first (RFC 6749 §6), without bothering the user.
 */
import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { DriveRefusedToken, NotConnected, TokenRequestFailed } from '../errors.js';
import { fingerprint } from '@oauth-demo/tokens';
import { type TokenEndpointDeps, type TokenSet, refreshTokens } from './token_endpoint.js';

/**
 * What the last refresh changed, by fingerprint only (@oauth-demo/tokens, display.ts): shown on the photos and order pages so
 * a learner can watch rotation happen (RFC 9700 §4.14.2) without a token ever reaching the page.
 */
export interface Rotation {
  at: number;
  oldAccess: string;
  newAccess: string;
  /** When the old access token expired (or was about to): why the refresh happened. */
  oldAccessExpiresAt: number | null;
  newAccessExpiresAt: number | null;
  oldRefresh: string;
  newRefresh: string;
  /** false when the auth server kept the same refresh token (RFC 6749 §6 allows it; ours rotates). */
  rotated: boolean;
  /**
   * Set when the refresh happened because the learner pressed "Don't wait": the old access token had not expired,
   * Photo Printer only treated it as expired (from `at`; it was valid until `realExpiresAt`).
   */
  expiredByHand?: { at: number; realExpiresAt: number | null };
}

/** Why a refresh happened, for a flow's label: the token's real expiry, or the learner's "Don't wait". */
export function refreshReason(rotation: Rotation | undefined): string {
  return rotation?.expiredByHand
    ? 'the access token was treated as expired (“Don’t wait”; it was still valid)'
    : 'the access token had expired';
}

export interface Connection extends TokenSet {
  /** The issuer that issued the tokens (checked on the callback). */
  issuer: string;
  connectedAt: number;
  /** Visible rotation (docs/design.md, "Where each grant lives"): how many times the tokens were refreshed, and when last. */
  refreshCount: number;
  refreshedAt?: number;
  lastRotation?: Rotation;
  /** "Don't wait" (teaching): when the learner made Photo Printer treat its token as expired, and its real expiry then. */
  expiredByHand?: { at: number; realExpiresAt: number | null };
}

/** Refresh a little before the expiry, so a token does not expire on its way to Drive. */
const EXPIRY_MARGIN_MS = 30_000;

function isExpiring(connection: Connection, now = Date.now()): boolean {
  return connection.expiresAt !== null && connection.expiresAt - EXPIRY_MARGIN_MS <= now;
}

/**
 * One refresh per refresh token at a time. A page loads many thumbnails at once; if each refreshed with the same
 * refresh token, all but the first would present an already-rotated token, which the auth server must treat as
 * theft and answer by revoking the whole family (RFC 9700 §4.14.2). So concurrent callers share one request,
 * and its result is remembered briefly for requests that read the session before it was saved.
 */
const inFlight = new Map<string, { result: Promise<TokenSet>; until: number }>();
const SHARE_RESULT_MS = 30_000;

function refreshOnce(deps: TokenEndpointDeps, connection: Connection & { refresh_token: string }): Promise<TokenSet> {
  const key = createHash('sha256').update(connection.refresh_token).digest('base64url');
  const now = Date.now();
  for (const [k, v] of inFlight) if (v.until < now) inFlight.delete(k);
  const existing = inFlight.get(key);
  if (existing) return existing.result;
  const result = refreshTokens(deps, connection.refresh_token, connection.scope);
  inFlight.set(key, { result, until: now + SHARE_RESULT_MS });
  result.catch(() => inFlight.delete(key));
  return result;
}

export function currentConnection(req: Request): Connection {
  const connection = req.session.connection;
  if (!connection) throw new NotConnected();
  return connection;
}

async function refreshConnection(
  req: Request,
  deps: TokenEndpointDeps,
  connection: Connection & { refresh_token: string },
): Promise<Connection> {
  let tokens: TokenSet;
  try {
    tokens = await refreshOnce(deps, connection);
  } catch (error) {
    // A refused refresh token is dead (invalid_grant, RFC 6749 §5.2): connect again. An unreachable auth server
    // is not a refusal: keep the tokens and let the user retry.
    if (error instanceof TokenRequestFailed) forgetConnection(req);
    throw error;
  }
  const now = Date.now();
  const newRefresh = tokens.refresh_token ?? connection.refresh_token;
  const lastRotation: Rotation = {
    at: now,
    oldAccess: fingerprint(connection.access_token),
    newAccess: fingerprint(tokens.access_token),
    oldAccessExpiresAt: connection.expiresAt,
    newAccessExpiresAt: tokens.expiresAt,
    oldRefresh: fingerprint(connection.refresh_token),
    newRefresh: fingerprint(newRefresh),
    rotated: newRefresh !== connection.refresh_token,
    ...(connection.expiredByHand ? { expiredByHand: connection.expiredByHand } : {}),
  };
  // The new access token has its own expiry: "Don't wait" was about the old one.
  const { expiredByHand: _old, ...kept } = connection;
  const refreshed: Connection = {
    ...kept,
    ...tokens,
    refreshCount: connection.refreshCount + 1,
    refreshedAt: now,
    lastRotation,
  };
  req.session.connection = refreshed;
  return refreshed;
}

function hasRefreshToken(connection: Connection): connection is Connection & { refresh_token: string } {
  return typeof connection.refresh_token === 'string';
}

/**
 * Run a call to Drive with a valid access token. Refreshes first when the token has expired; and once more if
 * Drive still says invalid_token (clocks differ) while a refresh token is at hand. When Drive keeps refusing,
 * the tokens are forgotten, so the home page offers to connect again.
 */
export async function withAccessToken<T>(
  req: Request,
  deps: TokenEndpointDeps,
  call: (accessToken: string) => Promise<T>,
): Promise<T> {
  let connection = currentConnection(req);
  let refreshed = false;
  if (isExpiring(connection) && hasRefreshToken(connection)) {
    connection = await refreshConnection(req, deps, connection);
    refreshed = true;
  }
  // Without a refresh token an expired access token is sent anyway: Drive is the one that decides (step 8).
  try {
    return await call(connection.access_token);
  } catch (error) {
    const rejected = error instanceof DriveRefusedToken && error.code === 'invalid_token';
    if (!rejected) throw error;
    if (refreshed || !hasRefreshToken(connection)) {
      forgetConnection(req);
      throw error;
    }
  }
  connection = await refreshConnection(req, deps, connection);
  try {
    return await call(connection.access_token);
  } catch (error) {
    if (error instanceof DriveRefusedToken && error.code === 'invalid_token') forgetConnection(req);
    throw error;
  }
}

function forgetConnection(req: Request): void {
  delete req.session.connection;
}
