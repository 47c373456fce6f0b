/**
 * @module token_validator
 *
 * Step 8 of the notes, "Drive verifies the token", has two textbook implementations, and the drive runs
 * either one (`DRIVE_TOKEN_VALIDATION`, read in config.ts, chosen in app.ts):
 *
 * - `jwt` (token_verifier.ts, the default): verify the JWT locally against the auth server's published keys
 *   (RFC 9068). Fast, no call per request; but a revoked token keeps working until it expires.
 * - `introspection` (introspection.ts): ask the auth server about the token on every request (RFC 7662).
 *   One call per request; but revocation takes effect at once.
 *
 * The API guard (middleware/require_token.ts) knows only this interface, so the routes are the same in
 * both modes and so is every answer a client can see: the same claims, the same RFC 6750 errors.
 */
import type { AccessTokenClaims } from '@oauth-demo/tokens';

export interface TokenValidator {
  /**
   * The token's claims if it is valid for this drive and carries `requiredScope`. Otherwise throws
   * InvalidToken (401), InsufficientScope (403) or TemporarilyUnavailable (503: we could not find out,
   * so access is refused, never granted).
   */
  validate(token: string, requiredScope: string): Promise<AccessTokenClaims>;
  /**
   * Fetch ahead of the first request what validation needs (the JWT verifier: the auth server's metadata and
   * keys). Resolves when ready, rejects if not (the caller may retry). Optional: without it, the first request
   * fetches what it needs.
   */
  prepare?(): Promise<void>;
}
