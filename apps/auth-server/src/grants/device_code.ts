/**
 * @module grants/device_code
 *
 * The Device Authorization Grant, RFC 8628: for a device that cannot show a browser worth typing a password
 * into (the shop's photo kiosk). The device asks for a pair of codes (§3.1-3.2), shows the short user_code,
 * and polls the token endpoint (§3.4) while the user approves on their own phone or computer (§3.3,
 * routes/device.ts). The notes' steps 3 and 4 happen on that other device; step 5 is the polling.
 */
import { randomInt } from 'node:crypto';
import {
  AccessDenied,
  AuthorizationPending,
  ExpiredToken,
  InvalidGrant,
  InvalidScope,
  optionalParam,
  parseScope,
  requiredParam,
  SlowDown,
  type ParamSource,
} from '@oauth-demo/tokens';
import type { Client } from '../clients.js';
import type { AuthContext } from '../context.js';
import { randomToken, type TokenResponse } from '../issuance.js';
import { hashToken, now, type AuthStore, type DeviceCodeRecord } from '../store/index.js';

/** RFC 8628 §3.4, declared once in @oauth-demo/tokens. */
export { DEVICE_CODE_GRANT_TYPE } from '@oauth-demo/tokens';

/** RFC 8628 §6.1: no vowels (no words), no look-alikes; 8 characters from 20 is about 34.5 bits. */
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';

/** "WDJB-MJHT" for people; "WDJBMJHT" stored. Typing is forgiving: case, spaces and dashes do not matter. */
export function normalizeUserCode(input: string): string {
  return input.toUpperCase().replace(/[^A-Z]/g, '');
}

export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** RFC 8628 §3.1 and §3.2: the device authorization request and response. */
export function startDeviceAuthorization(params: ParamSource, client: Client, { store, config }: AuthContext) {
  const asked = optionalParam(params, 'scope');
  const scope = asked === undefined ? client.scope : parseScope(asked);
  if (!scope || scope.length === 0 || !scope.every((s) => client.scope.includes(s)))
    throw new InvalidScope('This client may not ask for that scope.');

  const deviceCode = randomToken();
  let userCode = '';
  for (let i = 0; i < 8; i++) userCode += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  const expiresIn = config.lifetimes.deviceCode;
  store.deviceCodes.insert(deviceCode, {
    userCode,
    clientId: client.client_id,
    scope: scope.join(' '),
    expiresAt: now() + expiresIn,
    interval: config.devicePollInterval,
  });

  const verificationUri = `${config.issuer}/device`;
  return {
    device_code: deviceCode,
    user_code: formatUserCode(userCode),
    verification_uri: verificationUri,
    verification_uri_complete: `${verificationUri}?user_code=${formatUserCode(userCode)}`,
    expires_in: expiresIn,
    interval: config.devicePollInterval,
  };
}

/** The pending request a user code names, if it is still waiting for an answer. */
export function findPendingUserCode(store: AuthStore, userCode: string): DeviceCodeRecord | undefined {
  const row = store.deviceCodes.findByUserCode(normalizeUserCode(userCode));
  return row && row.status === 'pending' && row.expires_at > now() ? row : undefined;
}

/** RFC 8628 §3.4 and §3.5: the device polls the token endpoint. */
export async function deviceCodeGrant(
  params: ParamSource,
  client: Client,
  { store, issuer }: AuthContext,
): Promise<TokenResponse> {
  const deviceCodeHash = hashToken(requiredParam(params, 'device_code'));
  const row = store.deviceCodes.findByDeviceCodeHash(deviceCodeHash);
  if (!row || row.client_id !== client.client_id) throw new InvalidGrant('The device_code is not valid.');
  if (row.status === 'used') throw new InvalidGrant('The device_code was already used.');
  if (row.expires_at <= now()) throw new ExpiredToken('The device_code expired: start again on the device.');

  // §3.5 slow_down: polling faster than the interval. The interval grows by 5 s for this and all later polls.
  const polledAt = Date.now();
  const tooFast = row.last_polled_at !== null && polledAt - row.last_polled_at < row.interval * 1000;
  store.deviceCodes.recordPoll(deviceCodeHash, polledAt, tooFast);
  if (tooFast) throw new SlowDown(`Polling too fast: wait at least ${row.interval + 5} seconds between requests.`);

  if (row.status === 'pending') throw new AuthorizationPending('The user has not answered yet.');
  if (row.status === 'denied') throw new AccessDenied('The user denied the request.');

  // Approved: hand the tokens out once (atomic, like an authorization code).
  const claimed = store.deviceCodes.claim(deviceCodeHash);
  if (!claimed || !row.user_id || !row.grant_id) throw new InvalidGrant('The device_code was already used.');
  return issuer.issue({
    grantId: row.grant_id,
    clientId: client.client_id,
    userId: row.user_id,
    scope: row.scope,
    withRefreshToken: false,
  });
}
