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
import type { Db } from '@oauth-demo/web';
import type { Client } from '../clients.js';
import type { AuthContext } from '../context.js';
import { hashToken, now } from '../db.js';
import { randomToken, type TokenResponse } from '../issuance.js';

/** RFC 8628 §3.4, declared once in @oauth-demo/tokens. */
export { DEVICE_CODE_GRANT_TYPE } from '@oauth-demo/tokens';

/** RFC 8628 §6.1: no vowels (no words), no look-alikes; 8 characters from 20 is about 34.5 bits. */
const USER_CODE_ALPHABET = 'BCDFGHJKLMNPQRSTVWXZ';

export interface DeviceCodeRow {
  device_code_hash: string;
  user_code: string;
  client_id: string;
  scope: string;
  expires_at: number;
  interval: number;
  last_polled_at: number | null;
  status: 'pending' | 'approved' | 'denied' | 'used';
  user_id: string | null;
  grant_id: string | null;
}

/** "WDJB-MJHT" for people; "WDJBMJHT" stored. Typing is forgiving: case, spaces and dashes do not matter. */
export function normalizeUserCode(input: string): string {
  return input.toUpperCase().replace(/[^A-Z]/g, '');
}

export function formatUserCode(code: string): string {
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** RFC 8628 §3.1 and §3.2: the device authorization request and response. */
export function startDeviceAuthorization(params: ParamSource, client: Client, { db, config }: AuthContext) {
  const asked = optionalParam(params, 'scope');
  const scope = asked === undefined ? client.scope : parseScope(asked);
  if (!scope || scope.length === 0 || !scope.every((s) => client.scope.includes(s))) throw new InvalidScope('This client may not ask for that scope.');

  const deviceCode = randomToken();
  let userCode = '';
  for (let i = 0; i < 8; i++) userCode += USER_CODE_ALPHABET[randomInt(USER_CODE_ALPHABET.length)];
  const expiresIn = config.lifetimes.deviceCode;
  db.prepare(`INSERT INTO device_codes (device_code_hash, user_code, client_id, scope, expires_at, interval, status)
              VALUES (?, ?, ?, ?, ?, ?, 'pending')`).run(hashToken(deviceCode), userCode, client.client_id, scope.join(' '), now() + expiresIn, config.devicePollInterval);

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
export function findPendingUserCode(db: Db, userCode: string): DeviceCodeRow | undefined {
  const row = db.prepare<[string], DeviceCodeRow>('SELECT * FROM device_codes WHERE user_code = ?').get(normalizeUserCode(userCode));
  return row && row.status === 'pending' && row.expires_at > now() ? row : undefined;
}

/** The user's answer on their own device (§3.3). Only a pending, unexpired request can be answered. */
export function answerDeviceRequest(db: Db, userCode: string, answer: { approved: true; userId: string; grantId: string } | { approved: false }): boolean {
  const result = answer.approved
    ? db.prepare(`UPDATE device_codes SET status = 'approved', user_id = ?, grant_id = ? WHERE user_code = ? AND status = 'pending' AND expires_at > ?`).run(answer.userId, answer.grantId, userCode, now())
    : db.prepare(`UPDATE device_codes SET status = 'denied' WHERE user_code = ? AND status = 'pending'`).run(userCode);
  return result.changes === 1;
}

/** RFC 8628 §3.4 and §3.5: the device polls the token endpoint. */
export async function deviceCodeGrant(params: ParamSource, client: Client, { db, issuer }: AuthContext): Promise<TokenResponse> {
  const deviceCodeHash = hashToken(requiredParam(params, 'device_code'));
  const row = db.prepare<[string], DeviceCodeRow>('SELECT * FROM device_codes WHERE device_code_hash = ?').get(deviceCodeHash);
  if (!row || row.client_id !== client.client_id) throw new InvalidGrant('The device_code is not valid.');
  if (row.status === 'used') throw new InvalidGrant('The device_code was already used.');
  if (row.expires_at <= now()) throw new ExpiredToken('The device_code expired: start again on the device.');

  // §3.5 slow_down: polling faster than the interval. The interval grows by 5 s for this and all later polls.
  const polledAt = Date.now();
  if (row.last_polled_at !== null && polledAt - row.last_polled_at < row.interval * 1000) {
    db.prepare('UPDATE device_codes SET interval = interval + 5, last_polled_at = ? WHERE device_code_hash = ?').run(polledAt, deviceCodeHash);
    throw new SlowDown(`Polling too fast: wait at least ${row.interval + 5} seconds between requests.`);
  }
  db.prepare('UPDATE device_codes SET last_polled_at = ? WHERE device_code_hash = ?').run(polledAt, deviceCodeHash);

  if (row.status === 'pending') throw new AuthorizationPending('The user has not answered yet.');
  if (row.status === 'denied') throw new AccessDenied('The user denied the request.');

  // Approved: hand the tokens out once (atomic, like an authorization code).
  const claimed = db.prepare(`UPDATE device_codes SET status = 'used' WHERE device_code_hash = ? AND status = 'approved'`).run(deviceCodeHash).changes === 1;
  if (!claimed || !row.user_id || !row.grant_id) throw new InvalidGrant('The device_code was already used.');
  return issuer.issue({ grantId: row.grant_id, clientId: client.client_id, userId: row.user_id, scope: row.scope, withRefreshToken: false });
}
