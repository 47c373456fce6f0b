/**
 * @module step_through
 *
 * Step-through mode (a switch in the session): before each hop Photo Printer makes, it stops on a page that says
 * where the browser (or the printer itself, on the back channel) is about to go, explains every parameter, says
 * what to expect next, and waits for **Continue**:
 * - the redirect to the authorization endpoint (step 2, front channel);
 * - the redirect back, as it arrives at the redirect_uri (step 4: code, state, iss), before any check is made;
 * - the token request (step 5, back channel), before it is sent;
 * - the token response (step 6), as it came back, before Photo Printer keeps it;
 * - the call to Drive (step 7), before it is made.
 * While a code is alive (steps 4 and 5), every pause shows how long it has left: codes are short-lived on purpose.
 */
import { buildBasicAuthorization } from '@oauth-demo/tokens';
import { maskValue } from './recorder.js';
import type { StepNumber } from './steps.js';

/** The client registration the token request shows (RFC 6749 §2.2, §2.3.1, §3.1.2). */
export interface ClientRegistration {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/** The token response as step 6 shows it (RFC 6749 §5.1). */
export interface ShownTokenResponse {
  access_token: string;
  token_type: string;
  expiresAt: number | null;
  scope: string;
  refresh_token?: string;
}

export type StepHop =
  | { kind: 'authorize'; url: string; createdAt: number }
  | { kind: 'callback'; query: Record<string, string>; createdAt: number; codeArrivedAt?: number }
  | { kind: 'token'; code: string; code_verifier: string; createdAt: number; codeArrivedAt?: number }
  | { kind: 'tokens'; tokens: ShownTokenResponse; issuer: string; createdAt: number }
  | { kind: 'drive'; createdAt: number };

/**
 * How long the demo's auth server keeps an authorization code by default (docs/notes.md, step 4: "here after 60
 * seconds, by default"; AUTHORIZATION_CODE_TTL there). A client learns the real value from the auth server's
 * metadata, where this demo's auth server publishes it (`demo_authorization_code_lifetime`, a non-standard field:
 * RFC 8414 §2 allows others); for an auth server that does not, a pause counts with this default, as "about".
 */
export const CODE_LIFETIME_HINT_S = 60;

/** The lifetime a pause counts with: published by the auth server, or the default (then shown as "about"). */
export interface CodeLifetimeSource {
  seconds: number;
  published: boolean;
}

const DEFAULT_CODE_LIFETIME: CodeLifetimeSource = { seconds: CODE_LIFETIME_HINT_S, published: false };

/** The code's remaining lifetime at a pause, for the page: seconds left (negative: expired) and when it arrived. */
export interface CodeLifetime {
  arrivedAt: number;
  lifetimeSeconds: number;
  /** The auth server published the lifetime (its metadata); otherwise the demo's default is assumed. */
  published: boolean;
  secondsLeft: number;
}

export function codeLifetime(
  arrivedAt: number | undefined,
  now = Date.now(),
  lifetime: CodeLifetimeSource = DEFAULT_CODE_LIFETIME,
): CodeLifetime | undefined {
  if (arrivedAt === undefined) return undefined;
  return {
    arrivedAt,
    lifetimeSeconds: lifetime.seconds,
    published: lifetime.published,
    secondsLeft: Math.round(lifetime.seconds - (now - arrivedAt) / 1000),
  };
}

/** A paused hop is kept this long; after that the learner starts again. */
export const STEP_HOP_TTL_MS = 10 * 60 * 1000;

export interface ShownParam {
  name: string;
  /** As shown: secrets masked unless instructor mode. */
  value: string;
  meaning: string;
  where: 'query' | 'body' | 'header';
}

export interface Interstitial {
  kind: StepHop['kind'];
  /** The Authorization Code grant's steps this pause is about (steps.ts). */
  steps: StepNumber[];
  /** Steps that arrive as a refusal (an error instead of a code). */
  refused: StepNumber[];
  heading: string;
  intro: string;
  channel: 'front' | 'back';
  from: string;
  to: string;
  method: 'GET' | 'POST';
  /** Where the request goes, as shown (the public URL the browser sees, or the token endpoint). */
  url: string;
  params: ShownParam[];
  expect: string[];
  /** The Continue button: a GET form straight to the authorization endpoint, or a POST back to the printer. */
  continueForm: { method: 'get' | 'post'; action: string; fields: [string, string][] };
  /** While a code is alive: how long it has left (codeLifetime). */
  code?: CodeLifetime;
}

const AUTHORIZE_MEANINGS: Record<string, string> = {
  response_type:
    '"code": Photo Printer asks for an authorization code, to be exchanged later on the back channel (the Authorization Code grant, RFC 6749 §4.1.1).',
  client_id:
    'Who is asking: Photo Printer’s registered identifier. The consent screen names this client (RFC 6749 §2.2).',
  redirect_uri:
    'Where the answer must come back. The auth server compares it exactly with the registered one, so a code can never be sent elsewhere (RFC 6749 §3.1.2, RFC 9700 §4.1.3).',
  scope:
    'What Photo Printer asks for: photos.read (view your photos) and offline_access (a refresh token, to keep access while you are away). You may grant less (RFC 6749 §3.3).',
  state:
    'A random value Photo Printer kept in your session. It must come back unchanged: it binds the answer to this browser and this request (CSRF protection, RFC 6749 §10.12).',
  code_challenge:
    'The SHA-256 of a secret code_verifier that stays on Photo Printer’s server. Only the one who knows the verifier can later redeem the code (PKCE, RFC 7636 §4.2).',
  code_challenge_method:
    '"S256": how the challenge was made from the verifier. Never "plain" (RFC 7636 §4.3, RFC 9700 §2.1.1).',
};

const CALLBACK_MEANINGS: Record<string, string> = {
  code: 'The authorization code: short-lived (about a minute), usable once, and useless without the code_verifier and Photo Printer’s client secret (RFC 6749 §4.1.2).',
  state:
    'The value Photo Printer sent in step 2, coming back unchanged. Photo Printer checks it is one THIS browser session sent, and uses it up (RFC 6749 §10.12).',
  iss: 'Which authorization server answers. Photo Printer checks it is exactly the issuer it sent you to, which defeats mix-up attacks (RFC 9207 §2.4).',
  error: 'The auth server refused or you pressed Deny: no code comes (RFC 6749 §4.1.2.1).',
  error_description: 'A human-readable explanation of the error, from the auth server.',
};

function show(value: string, secret: boolean, reveal: boolean): string {
  return secret && !reveal ? maskValue(value) : value;
}

/** Nothing in the authorization request is secret (it travels through the browser): every value is shown. */
export function authorizeInterstitial(hop: Extract<StepHop, { kind: 'authorize' }>): Interstitial {
  const url = new URL(hop.url);
  const action = `${url.origin}${url.pathname}`;
  const fields = [...url.searchParams] as [string, string][];
  return {
    kind: 'authorize',
    steps: [2],
    refused: [],
    heading: 'Step 2: Photo Printer is about to send your browser to the authorization server',
    intro:
      'This is the authorization request. It travels in the URL through your browser (the front channel), so it carries nothing secret: only a challenge, never the verifier, never the client secret.',
    channel: 'front',
    from: 'Browser (Resource Owner)',
    to: 'Auth server (Authorization Server)',
    method: 'GET',
    url: `${action}?…`,
    params: fields.map(([name, value]) => ({
      name,
      value,
      meaning: AUTHORIZE_MEANINGS[name] ?? 'An extra parameter of the request.',
      where: 'query' as const,
    })),
    expect: [
      'Step 3: the auth server asks you to sign in (if you are not signed in there yet), then shows the consent screen naming Photo Printer and the scopes.',
      'Step 4: after Allow (or Deny) it sends your browser back to the redirect_uri with code, state and iss. In step-through mode Photo Printer stops again there.',
    ],
    continueForm: { method: 'get', action, fields },
  };
}

export function callbackInterstitial(
  hop: Extract<StepHop, { kind: 'callback' }>,
  redirectUri: string,
  reveal: boolean,
  now = Date.now(),
  lifetime: CodeLifetimeSource = DEFAULT_CODE_LIFETIME,
): Interstitial {
  const entries = Object.entries(hop.query);
  const code = 'code' in hop.query ? codeLifetime(hop.codeArrivedAt ?? hop.createdAt, now, lifetime) : undefined;
  return {
    ...(code ? { code } : {}),
    kind: 'callback',
    steps: [4],
    refused: 'error' in hop.query ? [4] : [],
    heading: 'Step 4: your browser has just come back from the authorization server',
    intro: `The auth server redirected your browser to the redirect_uri ${redirectUri} with the answer in the query. Photo Printer has not looked at it yet: here is what it is about to check, in this order.`,
    channel: 'front',
    from: 'Auth server (Authorization Server), through your browser',
    to: 'Photo Printer (Client)',
    method: 'GET',
    url: `${redirectUri}?…`,
    params: entries.map(([name, value]) => ({
      name,
      value: show(value, name === 'code', reveal),
      meaning: CALLBACK_MEANINGS[name] ?? 'An extra parameter of the answer.',
      where: 'query' as const,
    })),
    expect: [
      'Photo Printer checks that state is one this browser sent (and uses it up), then that iss is exactly its auth server.',
      'Only then does it believe an error (Deny), or prepare the token request of step 5, which it shows you before sending it.',
    ],
    continueForm: { method: 'post', action: '/step/continue', fields: [] },
  };
}

export function tokenInterstitial(
  hop: Extract<StepHop, { kind: 'token' }>,
  client: ClientRegistration,
  tokenEndpoint: string,
  reveal: boolean,
  now = Date.now(),
  lifetime: CodeLifetimeSource = DEFAULT_CODE_LIFETIME,
): Interstitial {
  const basic = buildBasicAuthorization(client.clientId, client.clientSecret);
  const code = codeLifetime(hop.codeArrivedAt, now, lifetime);
  return {
    ...(code ? { code } : {}),
    kind: 'token',
    steps: [5],
    refused: [],
    heading: 'Step 5: Photo Printer is about to call the token endpoint, server to server',
    intro:
      'The checks passed. Now the back channel: your browser is not involved, which is why the code_verifier and the client secret can travel here and nowhere else.',
    channel: 'back',
    from: 'Photo Printer (Client)',
    to: 'Auth server (Authorization Server)',
    method: 'POST',
    url: tokenEndpoint,
    params: [
      {
        name: 'grant_type',
        value: 'authorization_code',
        meaning: 'Which grant: redeem an authorization code (RFC 6749 §4.1.3).',
        where: 'body',
      },
      {
        name: 'code',
        value: show(hop.code, true, reveal),
        meaning: 'The code that just arrived in step 4. It works once.',
        where: 'body',
      },
      {
        name: 'redirect_uri',
        value: client.redirectUri,
        meaning: 'The same redirect_uri as in step 2: the auth server checks they match (RFC 6749 §4.1.3).',
        where: 'body',
      },
      {
        name: 'code_verifier',
        value: show(hop.code_verifier, true, reveal),
        meaning:
          'The PKCE secret whose SHA-256 was the code_challenge of step 2. It has never left Photo Printer’s server until now (RFC 7636 §4.5).',
        where: 'body',
      },
      {
        name: 'Authorization',
        value: reveal ? basic : `Basic ${maskValue(basic.slice('Basic '.length))}`,
        meaning: `Client authentication (client_secret_basic, RFC 6749 §2.3.1): base64 of "${client.clientId}:<client secret>". Proves the code is redeemed by Photo Printer itself.`,
        where: 'header',
      },
    ],
    expect: [
      'Step 6: the auth server checks the client, the code, the redirect_uri and that SHA-256(code_verifier) = code_challenge, then answers with an access token (a signed JWT), a refresh token if offline_access was granted, expires_in and scope. Photo Printer stops there again to show you the answer.',
    ],
    continueForm: { method: 'post', action: '/step/continue', fields: [] },
  };
}

/** Step 6: the token response, as it came back over the back channel (secrets masked unless instructor mode). */
export function tokensInterstitial(
  hop: Extract<StepHop, { kind: 'tokens' }>,
  reveal: boolean,
  now = Date.now(),
): Interstitial {
  const t = hop.tokens;
  const params: ShownParam[] = [
    {
      name: 'access_token',
      value: show(t.access_token, true, reveal),
      meaning:
        'The access token: a JWT signed by the auth server (RFC 9068). Whoever holds it can use it (a bearer token), so it is short-lived and travels only on the back channel.',
      where: 'body',
    },
    {
      name: 'token_type',
      value: t.token_type,
      meaning: '"Bearer": it is sent as Authorization: Bearer <token> (RFC 6750 §2.1).',
      where: 'body',
    },
    {
      name: 'expires_in',
      value: t.expiresAt === null ? '(not given)' : String(Math.max(0, Math.round((t.expiresAt - now) / 1000))),
      meaning:
        'Seconds until the access token expires (RFC 6749 §5.1). Photo Printer notes the instant; after it, it refreshes before calling Drive.',
      where: 'body',
    },
    {
      name: 'scope',
      value: t.scope,
      meaning:
        'What was granted: maybe less than asked, if you unticked a scope on the consent screen (RFC 6749 §3.3).',
      where: 'body',
    },
  ];
  if (t.refresh_token) {
    params.push({
      name: 'refresh_token',
      value: show(t.refresh_token, true, reveal),
      meaning:
        'Because you allowed offline_access: an opaque value that gets new tokens later without you (RFC 6749 §6). It rotates on every use (RFC 9700 §4.14.2) and is never sent to Drive.',
      where: 'body',
    });
  }
  return {
    kind: 'tokens',
    steps: [6],
    refused: [],
    heading: 'Step 6: the authorization server has just issued the tokens',
    intro: `The answer to the token request of step 5, from ${hop.issuer}, over the back channel: the code is now used up (it works once), and your browser never saw any of this.`,
    channel: 'back',
    from: 'Auth server (Authorization Server)',
    to: 'Photo Printer (Client)',
    method: 'POST',
    url: 'the token endpoint (answer: 200, Cache-Control: no-store)',
    params,
    expect: [
      'Photo Printer keeps the tokens in its server-side session (a new session id, against session fixation); your browser only holds the session cookie.',
      'Step 7: it then calls Drive with the access token. In step-through mode it stops once more before that call.',
    ],
    continueForm: { method: 'post', action: '/step/continue', fields: [] },
  };
}

/** Step 7: the call to Drive, before it is made. */
export function driveInterstitial(accessToken: string, photosUrl: string, reveal: boolean): Interstitial {
  return {
    kind: 'drive',
    steps: [7],
    refused: [],
    heading: 'Step 7: Photo Printer is about to call Drive with the access token',
    intro:
      'Server to server again: Photo Printer asks Drive’s API for your photo list. The only proof it carries is the access token.',
    channel: 'back',
    from: 'Photo Printer (Client)',
    to: 'Drive (Resource Server)',
    method: 'GET',
    url: photosUrl,
    params: [
      {
        name: 'Authorization',
        value: `Bearer ${show(accessToken, true, reveal)}`,
        meaning:
          'The access token, in the header (never in the URL, where it would be logged: RFC 6750 §2.1, RFC 9700 §4.3.2).',
        where: 'header',
      },
    ],
    expect: [
      'Step 8: Drive checks the token (signature against the auth server’s JWKS, issuer, audience, expiry, scope photos.read) and answers with the photos of the token’s owner (sub), and only theirs.',
      'Photo Printer then shows you the photos: the flow is complete.',
    ],
    continueForm: { method: 'post', action: '/step/continue', fields: [] },
  };
}
