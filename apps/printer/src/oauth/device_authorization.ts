/**
 * @module oauth/device_authorization
 *
 * The Device Authorization Grant, RFC 8628, as the shop's photo kiosk plays it. The kiosk is a public client
 * (`photo-kiosk`, no secret: anyone could read a secret out of a kiosk), so it sends only its client_id.
 *
 * - §3.1-3.2: the kiosk asks the device authorization endpoint for a `device_code` (kept by the kiosk) and a
 *   short `user_code` (shown big, for the user to type on their own phone at the `verification_uri`).
 * - §3.4-3.5: the kiosk polls the token endpoint with the device_code, no faster than `interval`, until the
 *   answer is tokens, or `access_denied`, or `expired_token`. `authorization_pending` means "ask again later";
 *   `slow_down` means "ask again later, and wait 5 seconds longer from now on".
 */
import { DEVICE_CODE_GRANT_TYPE } from '@oauth-demo/back-channel';
import type { KioskRegistration } from '../config.js';
import { DeviceFlowFailed } from '../errors.js';
import {
  parseTokenResponse,
  postForm,
  readTokenError,
  responseBody,
  type TokenEndpointDeps,
  type TokenError,
  type TokenSet,
} from './token_endpoint.js';

/** RFC 8628 §3.2: "If no value is provided, clients MUST use 5 as the default." */
const DEFAULT_INTERVAL_S = 5;

/** RFC 8628 §3.5: "the interval MUST be increased by 5 seconds for this and all subsequent requests". */
export const SLOW_DOWN_STEP_S = 5;

/** A kiosk should not wait for ever, nor show a code for a day, whatever the auth server says. */
const MAX_EXPIRES_IN_S = 30 * 60;
const MAX_INTERVAL_S = 60;

/** RFC 8628 §3.2, checked member by member. */
export interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  verification_uri_complete?: string;
  expires_in: number;
  interval: number;
}

type Deps = Pick<TokenEndpointDeps, 'http' | 'metadata' | 'authInternalUrl'>;

/** §3.1: `POST device_authorization_endpoint` with `client_id` and `scope`. */
export async function requestDeviceAuthorization(deps: Deps, kiosk: KioskRegistration): Promise<DeviceAuthorization> {
  const metadata = await deps.metadata.get();
  if (!metadata.device_authorization_endpoint) {
    throw new DeviceFlowFailed(
      'The auth server does not offer the device flow: its metadata has no device_authorization_endpoint (RFC 8628 §4).',
    );
  }
  const response = await postForm(
    deps,
    metadata.device_authorization_endpoint,
    new URLSearchParams({ client_id: kiosk.clientId, scope: kiosk.scope }),
  );
  if (response.status !== 200) {
    const error = readTokenError(response);
    throw new DeviceFlowFailed(
      `The device authorization endpoint answered "${error.code}"${error.description ? `: "${error.description}"` : ''}.`,
      error.code,
    );
  }
  return parseDeviceAuthorization(responseBody(response));
}

export function parseDeviceAuthorization(body: Record<string, unknown>): DeviceAuthorization {
  const bad = (what: string) => new DeviceFlowFailed(`The device authorization response ${what} (RFC 8628 §3.2).`);
  if (typeof body.device_code !== 'string' || body.device_code === '' || body.device_code.length > 1000)
    throw bad('has no usable device_code');
  if (typeof body.user_code !== 'string' || !/^[\x21-\x7E]{1,20}$/.test(body.user_code))
    throw bad('has no usable user_code');
  const verificationUri = httpUrl(body.verification_uri);
  if (!verificationUri) throw bad('has no http(s) verification_uri');
  if (typeof body.expires_in !== 'number' || !(body.expires_in > 0)) throw bad('has no positive expires_in');
  if (body.interval !== undefined && (typeof body.interval !== 'number' || !(body.interval >= 0)))
    throw bad('has an invalid interval');
  const result: DeviceAuthorization = {
    device_code: body.device_code,
    user_code: body.user_code,
    verification_uri: verificationUri,
    expires_in: Math.min(Math.floor(body.expires_in), MAX_EXPIRES_IN_S),
    interval: Math.min(
      Math.ceil(typeof body.interval === 'number' ? body.interval : DEFAULT_INTERVAL_S),
      MAX_INTERVAL_S,
    ),
  };
  const complete = httpUrl(body.verification_uri_complete);
  if (complete) result.verification_uri_complete = complete;
  return result;
}

export type DevicePollResult = { outcome: 'tokens'; tokens: TokenSet } | { outcome: 'error'; error: TokenError };

/** §3.4: one poll. The caller decides WHEN (no faster than the interval); this only asks and reads. */
export async function pollDeviceToken(
  deps: Deps,
  kiosk: KioskRegistration,
  deviceCode: string,
): Promise<DevicePollResult> {
  const metadata = await deps.metadata.get();
  const form = new URLSearchParams({
    grant_type: DEVICE_CODE_GRANT_TYPE,
    device_code: deviceCode,
    client_id: kiosk.clientId,
  });
  const response = await postForm(deps, metadata.token_endpoint, form);
  if (response.status !== 200) return { outcome: 'error', error: readTokenError(response) };
  return { outcome: 'tokens', tokens: parseTokenResponse(responseBody(response), kiosk.scope, 'device_code') };
}

function httpUrl(value: unknown): string | undefined {
  if (typeof value !== 'string' || value.length > 2000) return undefined;
  try {
    const url = new URL(value);
    // Shown as the auth server wrote it (the user types it), once it is known to be an http(s) URL.
    return url.protocol === 'http:' || url.protocol === 'https:' ? value : undefined;
  } catch {
    return undefined;
  }
}
