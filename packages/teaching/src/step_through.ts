/**
 * @module step_through
 *
 * Step-through mode (a switch in the session): before each hop Photo Printer makes, it stops on a page that says
 * where the browser (or the printer itself, on the back channel) is about to go, explains every parameter, says
 * what to expect next, and waits for **Continue**:
 * - the redirect to the authorization endpoint (step 2, front channel);
 * - the redirect back, as it arrives at the redirect_uri (step 4: code, state, iss), before any check is made;
 * - the token request (step 5, back channel), before it is sent.
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

export type StepHop =
  | { kind: 'authorize'; url: string; createdAt: number }
  | { kind: 'callback'; query: Record<string, string>; createdAt: number }
  | { kind: 'token'; code: string; code_verifier: string; createdAt: number };

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
}

const AUTHORIZE_MEANINGS: Record<string, string> = {
  response_type: '"code": Photo Printer asks for an authorization code, to be exchanged later on the back channel (the Authorization Code grant, RFC 6749 §4.1.1).',
  client_id: 'Who is asking: Photo Printer’s registered identifier. The consent screen names this client (RFC 6749 §2.2).',
  redirect_uri: 'Where the answer must come back. The auth server compares it exactly with the registered one, so a code can never be sent elsewhere (RFC 6749 §3.1.2, RFC 9700 §4.1.3).',
  scope: 'What Photo Printer asks for: photos.read (view your photos) and offline_access (a refresh token, to keep access while you are away). You may grant less (RFC 6749 §3.3).',
  state: 'A random value Photo Printer kept in your session. It must come back unchanged: it binds the answer to this browser and this request (CSRF protection, RFC 6749 §10.12).',
  code_challenge: 'The SHA-256 of a secret code_verifier that stays on Photo Printer’s server. Only the one who knows the verifier can later redeem the code (PKCE, RFC 7636 §4.2).',
  code_challenge_method: '"S256": how the challenge was made from the verifier. Never "plain" (RFC 7636 §4.3, RFC 9700 §2.1.1).',
};

const CALLBACK_MEANINGS: Record<string, string> = {
  code: 'The authorization code: short-lived (about a minute), usable once, and useless without the code_verifier and Photo Printer’s client secret (RFC 6749 §4.1.2).',
  state: 'The value Photo Printer sent in step 2, coming back unchanged. Photo Printer checks it is one THIS browser session sent, and uses it up (RFC 6749 §10.12).',
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
    intro: 'This is the authorization request. It travels in the URL through your browser (the front channel), so it carries nothing secret: only a challenge, never the verifier, never the client secret.',
    channel: 'front',
    from: 'Browser (Resource Owner)',
    to: 'Auth server (Authorization Server)',
    method: 'GET',
    url: `${action}?…`,
    params: fields.map(([name, value]) => ({ name, value, meaning: AUTHORIZE_MEANINGS[name] ?? 'An extra parameter of the request.', where: 'query' as const })),
    expect: [
      'Step 3: the auth server asks you to sign in (if you are not signed in there yet), then shows the consent screen naming Photo Printer and the scopes.',
      'Step 4: after Allow (or Deny) it sends your browser back to the redirect_uri with code, state and iss. In step-through mode Photo Printer stops again there.',
    ],
    continueForm: { method: 'get', action, fields },
  };
}

export function callbackInterstitial(hop: Extract<StepHop, { kind: 'callback' }>, redirectUri: string, reveal: boolean): Interstitial {
  const entries = Object.entries(hop.query);
  return {
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
    params: entries.map(([name, value]) => ({ name, value: show(value, name === 'code', reveal), meaning: CALLBACK_MEANINGS[name] ?? 'An extra parameter of the answer.', where: 'query' as const })),
    expect: [
      'Photo Printer checks that state is one this browser sent (and uses it up), then that iss is exactly its auth server.',
      'Only then does it believe an error (Deny), or prepare the token request of step 5, which it shows you before sending it.',
    ],
    continueForm: { method: 'post', action: '/step/continue', fields: [] },
  };
}

export function tokenInterstitial(hop: Extract<StepHop, { kind: 'token' }>, client: ClientRegistration, tokenEndpoint: string, reveal: boolean): Interstitial {
  const basic = buildBasicAuthorization(client.clientId, client.clientSecret);
  return {
    kind: 'token',
    steps: [5],
    refused: [],
    heading: 'Step 5: Photo Printer is about to call the token endpoint, server to server',
    intro: 'The checks passed. Now the back channel: your browser is not involved, which is why the code_verifier and the client secret can travel here and nowhere else.',
    channel: 'back',
    from: 'Photo Printer (Client)',
    to: 'Auth server (Authorization Server)',
    method: 'POST',
    url: tokenEndpoint,
    params: [
      { name: 'grant_type', value: 'authorization_code', meaning: 'Which grant: redeem an authorization code (RFC 6749 §4.1.3).', where: 'body' },
      { name: 'code', value: show(hop.code, true, reveal), meaning: 'The code that just arrived in step 4. It works once.', where: 'body' },
      { name: 'redirect_uri', value: client.redirectUri, meaning: 'The same redirect_uri as in step 2: the auth server checks they match (RFC 6749 §4.1.3).', where: 'body' },
      {
        name: 'code_verifier',
        value: show(hop.code_verifier, true, reveal),
        meaning: 'The PKCE secret whose SHA-256 was the code_challenge of step 2. It has never left Photo Printer’s server until now (RFC 7636 §4.5).',
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
      'Step 6: the auth server checks the client, the code, the redirect_uri and that SHA-256(code_verifier) = code_challenge, then answers with an access token (a signed JWT), a refresh token if offline_access was granted, expires_in and scope.',
      'Step 7: Photo Printer then calls Drive with the access token, and Drive verifies it (step 8) before listing your photos.',
    ],
    continueForm: { method: 'post', action: '/step/continue', fields: [] },
  };
}
