/**
 * @module steps
 *
 * THE definition of every grant's steps, used by every page's step bar and banners (the printer's, the auth
 * server's, Drive's), by the timeline's headers and by the tests. Nothing else in the repository words a step.
 *
 * The numbers are the notes' eight steps of the Authorization Code flow (docs/notes.md, "The eight steps"). A grant
 * keeps a step's number when it does that step's job (docs/notes.md, "The grants table"), so step 2 of Client
 * Credentials is "the client asks the authorization server" although nobody came before it. Each grant says, for
 * each of the eight numbers, either what it does there or why the step does not exist in it; and, for the steps where
 * the authorization server, the owner or the resource server can say no, how that refusal reads: a refusal is
 * labelled as a refusal, never as "issues the access token".
 */
import { DEVICE_CODE_GRANT_TYPE } from '@oauth-demo/tokens';

export type StepNumber = 1 | 2 | 3 | 4 | 5 | 6 | 7 | 8;

export const STEP_NUMBERS: readonly StepNumber[] = [1, 2, 3, 4, 5, 6, 7, 8];

export type Actor = 'Resource Owner' | 'Client' | 'Authorization Server' | 'Resource Server';

export type GrantKey =
  | 'authorization_code'
  | 'implicit'
  | 'client_credentials'
  | 'password'
  | 'refresh_token'
  | 'device_code';

export const GRANT_KEYS: readonly GrantKey[] = [
  'authorization_code',
  'implicit',
  'client_credentials',
  'password',
  'refresh_token',
  'device_code',
];

export interface Step {
  /** The notes' step whose job this is (docs/notes.md). */
  n: StepNumber;
  /** Who acts in this step. */
  actor: Actor;
  title: string;
  detail: string;
}

/** How a step reads when the answer is no (an error instead of a code or a token, a 401/403 instead of photos). */
export interface Refusal {
  title: string;
  detail: string;
}

export interface GrantSteps {
  grant: GrantKey;
  /** The grant's name as the step bar and the timeline show it. */
  name: string;
  /** The steps this grant performs, in order. */
  steps: Step[];
  /** Every one of the notes' eight steps this grant does not have, with why (docs/notes.md, the grants table). */
  absent: Partial<Record<StepNumber, string>>;
  refusals: Partial<Record<StepNumber, Refusal>>;
}

const RS_REFUSAL: Refusal = {
  title: 'Drive refuses the token',
  detail:
    'A missing, expired, revoked or foreign token gets 401 with WWW-Authenticate: Bearer error="invalid_token"; a valid token without the needed scope gets 403 insufficient_scope (RFC 6750 §3.1). No photo is served.',
};

const DRIVE_CHECKS =
  "Drive checks the token's signature (against the authorization server's published keys, its JWKS), issuer, audience, expiry and scope, or asks the authorization server (introspection, RFC 7662), before serving anything: only the photos of the token's subject (sub).";

const GRANT_STEPS_LIST: GrantSteps[] = [
  {
    grant: 'authorization_code',
    name: 'Authorization Code + PKCE',
    steps: [
      {
        n: 1,
        actor: 'Resource Owner',
        title: 'You ask Photo Printer to get your photos',
        detail:
          'You, the resource owner, ask the client for something that lives on the resource server: “Import photos from Drive”.',
      },
      {
        n: 2,
        actor: 'Client',
        title: 'Photo Printer asks the authorization server',
        detail:
          'The client sends your browser to the authorization server with an authorization request: who it is (client_id), what it wants (scope), where to come back (redirect_uri), a state and a PKCE code_challenge.',
      },
      {
        n: 3,
        actor: 'Authorization Server',
        title: 'The authorization server asks you',
        detail:
          'It checks who you are (sign in) and asks whether you really want the client to access your resource (consent).',
      },
      {
        n: 4,
        actor: 'Authorization Server',
        title: 'The authorization server sends back a short-lived code',
        detail:
          'Your browser is sent back to the client’s redirect_uri with a one-time authorization code, the same state, and the issuer (iss).',
      },
      {
        n: 5,
        actor: 'Client',
        title: 'Photo Printer exchanges the code for a token',
        detail:
          'The client sends the code with its PKCE code_verifier to the token endpoint: Photo Printer’s server over the back channel, authenticated with its client secret; the quick-print page from your browser, as a public client with no secret.',
      },
      {
        n: 6,
        actor: 'Authorization Server',
        title: 'The authorization server issues the access token',
        detail:
          'The code, its code_verifier and the client all match: it answers with an access token, and a refresh token when you allowed offline_access (RFC 6749 §5.1).',
      },
      {
        n: 7,
        actor: 'Client',
        title: 'Photo Printer calls Drive with the access token',
        detail: 'Every call to the resource server carries the token: Authorization: Bearer <token>.',
      },
      {
        n: 8,
        actor: 'Resource Server',
        title: 'Drive verifies the token and serves your photos',
        detail: DRIVE_CHECKS,
      },
    ],
    absent: {},
    refusals: {
      3: {
        title: 'You refuse',
        detail: 'You pressed Deny on the consent screen: the client gets no code and no token.',
      },
      4: {
        title: 'The authorization server sends back a refusal, not a code',
        detail:
          'Your browser returns to the redirect_uri with error=access_denied, the same state and iss, and no code (RFC 6749 §4.1.2.1). The flow ends here: steps 5 to 8 do not happen.',
      },
      6: {
        title: 'The authorization server refuses the token request',
        detail:
          'The code was expired, already used, or the client, redirect_uri or code_verifier did not match: it answers 400 invalid_grant (RFC 6749 §5.2) and issues nothing.',
      },
      8: RS_REFUSAL,
    },
  },
  {
    grant: 'implicit',
    name: 'Implicit',
    steps: [
      {
        n: 1,
        actor: 'Resource Owner',
        title: 'You ask the quick-print page for your photos',
        detail:
          'A page that runs entirely in your browser: its JavaScript is the client (a public client, with no secret).',
      },
      {
        n: 2,
        actor: 'Client',
        title: 'The page sends your browser to the authorization server',
        detail:
          'response_type=token, its client_id, the registered redirect_uri, the scope, and a state made in your browser. No PKCE: there is no code to protect.',
      },
      {
        n: 3,
        actor: 'Authorization Server',
        title: 'The authorization server asks you',
        detail: 'Sign in and consent, as in the Authorization Code flow.',
      },
      {
        n: 6,
        actor: 'Authorization Server',
        title: 'The authorization server puts the access token in the URL',
        detail:
          'It redirects to the redirect_uri with #access_token=… in the fragment: no code, no token request, no client authentication, no refresh token.',
      },
      {
        n: 7,
        actor: 'Client',
        title: 'The page’s JavaScript calls Drive with the token',
        detail:
          'fetch(…/api/photos) with Authorization: Bearer, straight from your browser (Drive allows this origin: CORS).',
      },
      {
        n: 8,
        actor: 'Resource Server',
        title: 'Drive verifies the token and serves your photos',
        detail: DRIVE_CHECKS,
      },
    ],
    absent: {
      4: 'No code comes back: the access token itself travels in the redirect (step 6).',
      5: 'No token request: nothing is traded, so nothing proves which client receives the token.',
    },
    refusals: {
      3: { title: 'You refuse', detail: 'You pressed Deny on the consent screen.' },
      6: {
        title: 'The authorization server sends back a refusal, not a token',
        detail:
          'The redirect carries #error=access_denied and the state in the fragment, and no token (RFC 6749 §4.2.2.1).',
      },
      8: RS_REFUSAL,
    },
  },
  {
    grant: 'client_credentials',
    name: 'Client Credentials',
    steps: [
      {
        n: 2,
        actor: 'Client',
        title: 'The client asks the authorization server for a token, for itself',
        detail:
          'Server to server: POST to the token endpoint with grant_type=client_credentials and a scope, authenticated with its own client_id and client_secret (client_secret_post). No browser, no user, no consent screen.',
      },
      {
        n: 6,
        actor: 'Authorization Server',
        title: 'The authorization server issues an access token to the client',
        detail:
          'Its subject (sub) is the client itself. No refresh token: when it expires, the client simply asks again (RFC 6749 §4.4.3).',
      },
      {
        n: 7,
        actor: 'Client',
        title: 'The client calls Drive with that token',
        detail: 'Each call carries Authorization: Bearer <token>, like any other.',
      },
      {
        n: 8,
        actor: 'Resource Server',
        title: 'Drive verifies the token and decides',
        detail:
          'It serves what the token’s scope covers (the sample gallery) and nobody’s photos: the token names no user (RFC 9700 §4.15).',
      },
    ],
    absent: {
      1: 'No user asks: the client acts for itself.',
      3: 'Nobody to ask: no resource owner is involved, so no sign-in and no consent.',
      4: 'No code: there is no browser to carry one.',
      5: 'Nothing to trade: step 2 already goes straight to the token endpoint.',
    },
    refusals: {
      6: {
        title: 'The authorization server refuses the token request',
        detail:
          'Wrong client credentials get 401 invalid_client; a scope it may not have gets 400 invalid_scope (RFC 6749 §5.2).',
      },
      8: {
        title: 'Drive refuses what the token does not cover',
        detail: 'A user’s photos asked with a client’s own token: 403 insufficient_scope (RFC 6750 §3.1).',
      },
    },
  },
  {
    grant: 'password',
    name: 'Password (legacy)',
    steps: [
      {
        n: 1,
        actor: 'Resource Owner',
        title: "You ask Drive's own web app for your photos",
        detail:
          "You type your username and password into Drive's own sign-in page. Only a first party (the same company as the Auth server) may ever ask you for them.",
      },
      {
        n: 2,
        actor: 'Client',
        title: "Drive's web app sends your password to the authorization server",
        detail:
          'Server to server, no redirect: POST to the token endpoint with grant_type=password, your username and password and scope=photos.read, authenticated as the client drive-web (HTTP Basic). Nobody shows you a consent screen.',
      },
      {
        n: 6,
        actor: 'Authorization Server',
        title: "The authorization server issues a token to Drive's web app",
        detail:
          'It checked your password and the client’s credentials, and returned an access token for you (sub), with scope photos.read and no refresh token.',
      },
      {
        n: 7,
        actor: 'Client',
        title: "Drive's web app calls Drive's API with it",
        detail:
          'The token stays on Drive’s server, in your session: your browser only holds a random session id (cookie drive.sid).',
      },
      {
        n: 8,
        actor: 'Resource Server',
        title: 'Drive verifies the token and serves your photos',
        detail: DRIVE_CHECKS,
      },
    ],
    absent: {
      3: 'The authorization server never asks you: no consent screen, no second factor, no chance to notice phishing.',
      4: 'No code: the password goes straight to the token endpoint.',
      5: 'Nothing to trade: step 2 already asked for the token.',
    },
    refusals: {
      6: {
        title: 'The authorization server refuses the password',
        detail: 'A wrong username or password gets 400 invalid_grant (RFC 6749 §5.2); too many attempts, a delay.',
      },
      8: RS_REFUSAL,
    },
  },
  {
    grant: 'refresh_token',
    name: 'Refresh Token',
    steps: [
      {
        n: 5,
        actor: 'Client',
        title: 'Photo Printer refreshes the expired access token',
        detail:
          'Step 5 again, later, without you: server to server, Photo Printer sends its refresh token (grant_type=refresh_token) to the token endpoint, authenticated with its client secret. No code, no code_verifier.',
      },
      {
        n: 6,
        actor: 'Authorization Server',
        title: 'The authorization server issues new tokens',
        detail:
          'Step 6 again: a new access token, and a NEW refresh token (rotation, RFC 9700 §4.14.2). The old refresh token stops working at once.',
      },
      {
        n: 7,
        actor: 'Client',
        title: 'Photo Printer calls Drive with the new access token',
        detail: 'Each photo of the order is fetched again, so only photos that are still yours are printed.',
      },
      {
        n: 8,
        actor: 'Resource Server',
        title: 'Drive verifies the token and serves your photos',
        detail: DRIVE_CHECKS,
      },
    ],
    absent: {
      1: 'Done long ago: you connected once, with the Authorization Code flow, and allowed offline_access.',
      2: 'No new authorization request: the refresh token stands for the permission you already gave.',
      3: 'Nobody asks you again: that is the point of a refresh token.',
      4: 'No code: the refresh token replaces it.',
    },
    refusals: {
      6: {
        title: 'The authorization server refuses the refresh token',
        detail:
          'It was revoked (you removed Photo Printer under Connected apps), already used (rotation: only the newest works) or expired: 400 invalid_grant (RFC 6749 §5.2). Only a new import gets new tokens.',
      },
      8: RS_REFUSAL,
    },
  },
  {
    grant: 'device_code',
    name: 'Device Authorization',
    steps: [
      {
        n: 1,
        actor: 'Resource Owner',
        title: 'You ask the kiosk to print your photos',
        detail:
          'You are in the shop, in front of the kiosk. It has no keyboard worth typing a password on, and it must never see your Drive password.',
      },
      {
        n: 2,
        actor: 'Client',
        title: 'The kiosk asks the authorization server for a pair of codes',
        detail:
          'Server to server: POST to the device authorization endpoint with its client_id (a public client: no secret) and a scope. It gets a device_code (kept by the kiosk) and a short user_code (shown to you) (RFC 8628 §3.1-3.2).',
      },
      {
        n: 3,
        actor: 'Authorization Server',
        title: 'The authorization server asks you, on your own phone',
        detail:
          'At the verification URL you type the user code, sign in and allow (or deny). Your answer is recorded against the code: nothing is sent back to the kiosk.',
      },
      {
        n: 5,
        actor: 'Client',
        title: 'The kiosk polls the token endpoint with its device_code',
        detail:
          'grant_type=urn:ietf:params:oauth:grant-type:device_code, no faster than the interval. authorization_pending: ask again later; slow_down: wait 5 s longer from now on (RFC 8628 §3.5).',
      },
      {
        n: 6,
        actor: 'Authorization Server',
        title: 'The authorization server issues the kiosk’s access token',
        detail:
          'Once you allowed, the next poll gets the token. No refresh token: the kiosk only needs it while you stand there.',
      },
      {
        n: 7,
        actor: 'Client',
        title: 'The kiosk calls Drive with the access token',
        detail: 'GET /api/photos with Authorization: Bearer, from the kiosk’s server.',
      },
      {
        n: 8,
        actor: 'Resource Server',
        title: 'Drive verifies the token and serves your photos',
        detail: DRIVE_CHECKS,
      },
    ],
    absent: {
      4: 'No redirect and no code in the browser: the kiosk already holds its device_code and learns your answer by polling (step 5).',
    },
    refusals: {
      3: {
        title: 'You refuse the device',
        detail: 'You pressed Deny: the kiosk’s next poll gets access_denied and it gets no token.',
      },
      6: {
        title: 'The authorization server refuses the kiosk',
        detail:
          'access_denied (you said no) or expired_token (nobody answered in time), RFC 8628 §3.5: the kiosk must start again.',
      },
      8: RS_REFUSAL,
    },
  },
];

export const GRANT_STEPS: Readonly<Record<GrantKey, GrantSteps>> = Object.fromEntries(
  GRANT_STEPS_LIST.map((g) => [g.grant, g]),
) as Record<GrantKey, GrantSteps>;

/** The notes' eight steps, as the Authorization Code flow (the one the notes tell) words them. */
export const NOTES_STEPS: Readonly<Record<StepNumber, Step>> = Object.fromEntries(
  GRANT_STEPS.authorization_code.steps.map((s) => [s.n, s]),
) as Record<StepNumber, Step>;

/** The numbers of the steps a grant performs, in order. */
export function stepNumbersOf(grant: GrantKey): StepNumber[] {
  return GRANT_STEPS[grant].steps.map((s) => s.n);
}

/** This grant's step `n`, or undefined when the step does not exist in it. */
function grantStep(grant: GrantKey, n: number): Step | undefined {
  return GRANT_STEPS[grant].steps.find((s) => s.n === n);
}

/** What a page's step bar shows: one grant's steps, which of them this page is about, and which of those said no. */
export interface StepBar {
  grant: GrantKey;
  name: string;
  steps: Step[];
  active: StepNumber[];
  /** Active steps shown with the grant's refusal wording. */
  refused: StepNumber[];
  refusals: Partial<Record<StepNumber, Refusal>>;
  /**
   * The gaps in the bar's numbers, said on screen: `question` ("Why no step 4?") opens `numbering` and, for each of
   * the notes' steps this grant does not have, why. Undefined for a grant with all eight.
   */
  gaps?: { question: string; numbering: string; absent: { n: StepNumber; why: string }[] };
}

/** Why a grant's bar skips numbers: the numbering is the notes' (see the module comment). */
const NUMBERING =
  'The numbers are the notes’ eight steps of the Authorization Code flow. Every grant keeps a step’s number when it does that step’s job, so a grant that has no such job skips the number.';

/** "Why no step 4?", "Why no steps 3, 4 and 5?" */
function gapQuestion(absent: readonly StepNumber[]): string {
  if (absent.length === 1) return `Why no step ${absent[0]}?`;
  return `Why no steps ${absent.slice(0, -1).join(', ')} and ${absent.at(-1)}?`;
}

/**
 * The step bar of one page. A step the grant does not have, or a refusal the grant does not define, is a
 * programming error (a page contradicting its own flow): it throws, so the page's tests fail.
 */
export function stepBar(
  grant: GrantKey,
  active: readonly StepNumber[],
  options: { refused?: readonly StepNumber[] } = {},
): StepBar {
  const def = GRANT_STEPS[grant];
  const refused = [...(options.refused ?? [])];
  for (const n of [...active, ...refused]) {
    if (!grantStep(grant, n)) throw new Error(`step ${n} does not exist in the ${grant} grant`);
  }
  for (const n of refused) {
    if (!def.refusals[n]) throw new Error(`the ${grant} grant defines no refusal at step ${n}`);
  }
  const absent = STEP_NUMBERS.flatMap((n) => (def.absent[n] ? [{ n, why: def.absent[n] }] : []));
  return {
    grant,
    name: def.name,
    steps: def.steps,
    active: [...new Set([...active, ...refused])].sort(),
    refused,
    refusals: def.refusals,
    ...(absent.length > 0
      ? { gaps: { question: gapQuestion(absent.map((a) => a.n)), numbering: NUMBERING, absent } }
      : {}),
  };
}

/** RFC 8628 §3.4 (declared once in @oauth-demo/tokens). */

/** Which grant's step a token request is, by its grant_type (docs/notes.md, the grants table), for the timeline. */
const TOKEN_REQUEST_STEPS: Readonly<Record<string, { grant: GrantKey; step: StepNumber; label: string }>> = {
  authorization_code: { grant: 'authorization_code', step: 5, label: 'Token request: the code and its code_verifier' },
  refresh_token: { grant: 'refresh_token', step: 5, label: 'Token request: the refresh token (rotation), no code' },
  client_credentials: { grant: 'client_credentials', step: 2, label: 'Token request: client credentials, no user' },
  password: { grant: 'password', step: 2, label: "Token request: the user's password (legacy)" },
  [DEVICE_CODE_GRANT_TYPE]: {
    grant: 'device_code',
    step: 5,
    label: 'The kiosk polls the token endpoint with its device_code',
  },
};

/** The token request's step for a grant_type, or undefined for one no grant here knows. */
export function tokenRequestStep(grantType: unknown): { grant: GrantKey; step: StepNumber; label: string } | undefined {
  return typeof grantType === 'string' && Object.hasOwn(TOKEN_REQUEST_STEPS, grantType)
    ? TOKEN_REQUEST_STEPS[grantType]
    : undefined;
}

/**
 * The answer to a token request, as a timeline note: step 6 issued the token, or step 6 said no (a refusal is
 * never called "the token response"). A polling kiosk's 400 is usually authorization_pending: not yet, not no.
 */
export function tokenResponseNote(grantType: unknown, status: number): string {
  if (status >= 200 && status < 300) return 'Step 6: the token response';
  if (grantType === DEVICE_CODE_GRANT_TYPE && status === 400)
    return 'Step 6, not yet (HTTP 400): authorization_pending or slow_down means poll again later; access_denied or expired_token, a refusal';
  return `Step 6, refused (HTTP ${status}): no token, the error is in the body`;
}
