/**
 * @module housekeeping
 *
 * Forgetting what can no longer be used. Every token request leaves a row (access_tokens: for introspection
 * and revocation; authorization_codes, refresh_tokens, device_codes): without a sweep, the database of a
 * busy class grows without end. A row is deleted one hour after it stops being usable:
 *
 * - an access token after its `exp` (RFC 9068 §2.2.1): from then on it is refused for its expiry anyway, and
 *   introspection answers `active: false` (RFC 7662 §2.2) with or without the row;
 * - an authorization code after its expiry (RFC 6749 §4.1.2: short-lived). The hour keeps a used code known,
 *   so that a second use within that hour is still recognised as a replay and revokes its tokens (§4.1.2,
 *   §10.5); later it is only refused as unknown. (A stolen code is raced against the client within seconds.)
 * - a refresh token after the end of its family (the absolute lifetime): reuse detection (RFC 9700 §4.14.2)
 *   needs the rotated tokens of a family only while the family can still be used;
 * - a device code after its expiry (RFC 8628 §3.2 `expires_in`); this also frees its user code.
 *
 * Grants (the user's consent), users, clients and keys are never swept here. Sessions sweep themselves
 * (@oauth-demo/web session_store.ts).
 */
import type { AuthStore } from './store/index.js';

export { KEPT_AFTER_EXPIRY_S } from './store/index.js';

/**
 * Sweep now and then every `everyMs` (10 minutes by default), until stopped. Never keeps the process alive, and
 * a sweep that fails (a busy or full disk) is reported and tried again next time: it must not stop the server.
 * The statements are AuthStore.sweepExpired (store/index.ts).
 */
export function startHousekeeping(
  store: Pick<AuthStore, 'sweepExpired'>,
  everyMs = 10 * 60 * 1000,
  log = (message: string) => console.warn(`auth-server: ${message}`),
): { stop(): void } {
  const sweep = () => {
    try {
      store.sweepExpired();
    } catch (err) {
      log(`housekeeping failed, will retry: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  sweep();
  const timer = setInterval(sweep, everyMs).unref();
  return { stop: () => clearInterval(timer) };
}
