/**
 * @module exercises
 *
 * Exercises the demo checks (issue 18 item 3): each is a goal a learner reaches in their own browser, and the demo
 * verifies it from what actually happened, never from a self-declared checkbox:
 * - the printer's recorded exchanges of the learner's own flows (recorder.ts: the back-channel calls Photo Printer
 *   made for this browser session, unmasked, with the auth server's and Drive's answers), and
 * - the auth server's state for this learner (their grants and device approvals), which it tells only the printer,
 *   authenticated as itself, and only about the learner whose token the printer holds (`docs/design.md, Exercises and the class board`).
 *
 * Framework-free: the printer gathers the evidence, `checkExercise` judges it. A failed check gives a hint that
 * says what was missing; a passed one gives the explanation, with the RFC section.
 */
import { decodeJwt } from 'jose';
import { calculateCodeChallenge } from '@oauth-demo/tokens';
import type { Exchange } from './recorder.js';

/** One of the learner's grants at the auth server (times in seconds since the epoch, as it stores them). */
export interface LearnerGrant {
  client_id: string;
  scope: string;
  created_at: number;
  revoked_at: number | null;
}

/** One device authorization request (RFC 8628) this learner approved or denied at the auth server's /device. */
export interface LearnerDeviceApproval {
  client_id: string;
  status: 'approved' | 'denied' | 'used';
  /**
   * Was it answered in a browser where this learner authorized Photo Printer in the code flow? null when the auth
   * server cannot tell (no such authorization on record). The auth server keeps which browser did what, and says
   * only this.
   */
  same_browser_as_code_flow: boolean | null;
}

/** What the auth server tells the printer about one learner (`POST /_demo/learner-state`). */
export interface LearnerState {
  sub: string;
  grants: LearnerGrant[];
  devices: LearnerDeviceApproval[];
}

export interface ExerciseEvidence {
  /** The learner's `sub`, from the tokens the printer received for them. */
  sub: string;
  /** Every exchange Photo Printer recorded for this browser session's flows, unmasked. */
  exchanges: Exchange[];
  /** Access tokens the printer holds for this session now (their token responses may have left the recorder). */
  heldAccessTokens: string[];
  /** The auth server's state for `sub`; null when it could not be asked. */
  authState: LearnerState | null;
  /** What the learner typed (exercise pkce-challenge). */
  answer?: string;
}

export type CheckResult = { passed: true; explanation: string } | { passed: false; hint: string };

export interface Exercise {
  id: ExerciseId;
  title: string;
  /** What to reach, in the learner's words. */
  goal: string;
  /** Where to start. */
  startAt: { href: string; label: string };
  /** The exercise asks for a typed answer (a form field). */
  answerLabel?: string;
  /** The spec sections the explanation rests on. */
  rfc: string;
  check(evidence: ExerciseEvidence): CheckResult;
}

export type ExerciseId =
  | 'scope-photos-read'
  | 'pkce-challenge'
  | 'tamper-drive'
  | 'refresh-rotation'
  | 'device-second-browser'
  | 'revoke-still-works';

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

/** A back-channel call Photo Printer made, with its form body and JSON answer parsed. */
interface Call {
  exchange: Exchange;
  form: URLSearchParams;
  json: Record<string, unknown> | undefined;
}

function calls(exchanges: readonly Exchange[], to: 'auth' | 'drive'): Call[] {
  return exchanges
    .filter((e) => e.recordedBy === 'printer' && e.channel === 'back' && e.to === to)
    .sort((a, b) => a.at - b.at)
    .map((exchange) => ({
      exchange,
      form: new URLSearchParams(exchange.request.body ?? ''),
      json: parseJsonObject(exchange.response.body),
    }));
}

function parseJsonObject(text: string | undefined): Record<string, unknown> | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as unknown;
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Token requests (RFC 6749 §3.2) of one grant type, in the order they were made. */
function tokenRequests(exchanges: readonly Exchange[], grantType: string): Call[] {
  return calls(exchanges, 'auth').filter((c) => c.form.get('grant_type') === grantType);
}

function succeeded(call: Call): boolean {
  return call.exchange.response.status === 200 && typeof call.json?.access_token === 'string';
}

function bearerOf(exchange: Exchange): string | undefined {
  const header = Object.entries(exchange.request.headers).find(([name]) => name.toLowerCase() === 'authorization');
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header[1]) : null;
  return match?.[1];
}

function wwwAuthenticate(exchange: Exchange): string {
  return Object.entries(exchange.response.headers).find(([n]) => n.toLowerCase() === 'www-authenticate')?.[1] ?? '';
}

/** The claims of a JWT, read without verifying (the caller knows where the token came from). */
function claimsOf(token: string | undefined): Record<string, unknown> | undefined {
  if (!token) return undefined;
  try {
    return decodeJwt(token) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

function scopeSet(scope: unknown): string[] {
  return typeof scope === 'string' ? scope.split(' ').filter(Boolean).sort() : [];
}

function clock(ms: number): string {
  return new Date(ms).toISOString().slice(11, 19);
}

const NO_FLOW_YET =
  'Photo Printer has no recorded flow of yours yet. Press "Import photos from Drive" on the home page, sign in and allow, then check again.';

export const EXERCISES: readonly Exercise[] = [
  {
    id: 'scope-photos-read',
    title: 'Allow less than asked',
    goal: 'Complete an Import photos from Drive flow that grants Photo Printer only photos.read: no offline_access.',
    startAt: { href: '/', label: 'Import photos from Drive' },
    rfc: 'RFC 6749 §3.3, §5.1; RFC 6749 §6 (offline_access and refresh tokens)',
    check({ exchanges }) {
      const flows = tokenRequests(exchanges, 'authorization_code').filter(succeeded);
      if (flows.length === 0) return { passed: false, hint: NO_FLOW_YET };
      const narrow = flows.find((c) => scopeSet(c.json?.scope).join(' ') === 'photos.read');
      if (narrow)
        return {
          passed: true,
          explanation:
            'The consent screen let you refuse part of what Photo Printer asked for ("photos.read offline_access"). ' +
            'The auth server issued a token for less, and because the scope differs from the request it said so in the ' +
            'token response\'s "scope" (RFC 6749 §3.3, §5.1). Without offline_access there is no refresh token: ' +
            'Photo Printer can print now, and must ask you again when the access token expires.',
        };
      const last = flows.at(-1)!;
      const granted = typeof last.json?.scope === 'string' ? last.json.scope : '(not said)';
      return {
        passed: false,
        hint:
          `Your last flow (${clock(last.exchange.at)}) granted "${granted}". On the consent screen, untick ` +
          '"Keep access while you are away" (offline_access) before Allow. The auth server remembers consent: ' +
          'tick "Ask me again" next to Import, so the consent screen shows again.',
      };
    },
  },
  {
    id: 'pkce-challenge',
    title: 'Hash your own code_verifier',
    goal:
      'Open the timeline of your last Import flow, find the code_verifier Photo Printer sent in step 5 (under Raw ' +
      'request and response, in Photo Printer’s own copy of the call: the auth server’s record masks it), compute ' +
      'the code_challenge it hashes to (S256), and paste it here.',
    startAt: { href: '/timeline', label: 'the timeline' },
    answerLabel: 'code_challenge',
    rfc: 'RFC 7636 §4.1, §4.2, §4.6',
    check({ exchanges, answer }) {
      const last = tokenRequests(exchanges, 'authorization_code')
        .filter((c) => c.form.get('code_verifier'))
        .at(-1);
      if (!last) return { passed: false, hint: NO_FLOW_YET };
      const verifier = last.form.get('code_verifier')!;
      const expected = calculateCodeChallenge(verifier);
      const given = (answer ?? '').trim();
      if (given === '')
        return {
          passed: false,
          hint: `Paste a code_challenge. Your last flow's token request (step 5, ${clock(last.exchange.at)}) carries the code_verifier.`,
        };
      if (given === expected)
        return {
          passed: true,
          explanation:
            'code_challenge = BASE64URL(SHA-256(code_verifier)) (RFC 7636 §4.2). Photo Printer sent the challenge in ' +
            'step 2, through your browser, where anyone watching could read it; it sent the verifier only in step 5, ' +
            'on the back channel. The auth server hashed the verifier and compared (§4.6): a stolen code is useless ' +
            'without the verifier, and the hash cannot be run backwards.',
        };
      if (given === verifier)
        return {
          passed: false,
          hint: 'That is the code_verifier itself. Hash it: SHA-256 of its ASCII bytes, then base64url without padding (RFC 7636 §4.2).',
        };
      if (/[+/=]/.test(given))
        return {
          passed: false,
          hint: 'Close, but that looks like standard base64 ("+", "/" or "="). The challenge is base64url: "-" and "_", no padding.',
        };
      return {
        passed: false,
        hint: `That is not the challenge of the code_verifier of your last flow (step 5 at ${clock(last.exchange.at)}). Make sure you took the newest flow, and hashed the verifier, not the code.`,
      };
    },
  },
  {
    id: 'tamper-drive',
    title: 'Make Drive refuse a tampered token',
    goal:
      "In the token inspector's claims editor, change a claim of your access token (become bob, add photos.write), " +
      're-encode it and send it to Drive, so that Drive refuses it with 401 invalid_token.',
    startAt: { href: '/inspect#claims-editor', label: "the token inspector's claims editor" },
    rfc: 'RFC 9068 §4, RFC 7515 §5.2, RFC 6750 §3.1',
    check({ exchanges, heldAccessTokens }) {
      const issued = new Set(heldAccessTokens);
      for (const c of calls(exchanges, 'auth'))
        if (typeof c.json?.access_token === 'string') issued.add(c.json.access_token);
      const refused = calls(exchanges, 'drive').filter(
        (c) => c.exchange.response.status === 401 && /invalid_token/.test(wwwAuthenticate(c.exchange)),
      );
      const tampered = refused.find((c) => {
        const token = bearerOf(c.exchange);
        return token !== undefined && !issued.has(token) && claimsOf(token) !== undefined;
      });
      if (tampered)
        return {
          passed: true,
          explanation:
            "Drive verifies every access token with the auth server's public keys (its JWKS), and yours did not pass: " +
            'the signature covers the header and the claims, so changing one character of either breaks it, and a ' +
            'token with no signature (alg none) or signed by another key is refused outright (RFC 7515 §5.2, RFC ' +
            '9068 §4). Drive answered 401 with error="invalid_token" (RFC 6750 §3.1). Anyone can write a JWT; only ' +
            'the auth server can sign one Drive accepts.',
        };
      if (refused.length > 0)
        return {
          passed: false,
          hint: 'Drive refused a token of yours with invalid_token, but it was one the auth server issued (expired or revoked), not a tampered one. Use "Re-encode and send to Drive" in the inspector\'s claims editor.',
        };
      return {
        passed: false,
        hint: 'No call of yours to Drive was refused yet. In the inspector\'s claims editor, change a claim (the boxes start with your newest access token) and press "Re-encode and send to Drive".',
      };
    },
  },
  {
    id: 'refresh-rotation',
    title: 'Rotate a refresh token and show the old one is dead',
    goal:
      'Get Photo Printer to use its refresh token (a re-order after the access token expired, or "Don\'t wait"), ' +
      'and have the auth server confirm that the old refresh token no longer works.',
    startAt: { href: '/orders', label: 'your orders (Re-order)' },
    rfc: 'RFC 6749 §6, RFC 9700 §4.14.2, RFC 7662 §2.2',
    check({ exchanges }) {
      const refreshes = tokenRequests(exchanges, 'refresh_token').filter(succeeded);
      if (refreshes.length === 0)
        return {
          passed: false,
          hint: 'No refresh yet. Import with offline_access allowed (a refresh token), place an order, then on the order page press "Don\'t wait" to treat the access token as expired and Re-order.',
        };
      const authCalls = calls(exchanges, 'auth');
      for (const refresh of refreshes) {
        const old = refresh.form.get('refresh_token');
        const fresh = refresh.json?.refresh_token;
        if (!old || typeof fresh !== 'string' || fresh === old) continue;
        const dead = authCalls.find(
          (c) =>
            c.exchange.at >= refresh.exchange.at &&
            c.exchange !== refresh.exchange &&
            ((c.form.get('token') === old && c.exchange.response.status === 200 && c.json?.active === false) ||
              (c.form.get('grant_type') === 'refresh_token' &&
                c.form.get('refresh_token') === old &&
                c.json?.error === 'invalid_grant')),
        );
        if (dead)
          return {
            passed: true,
            explanation:
              'The auth server answered the refresh with a NEW refresh token and retired the old one (rotation, RFC ' +
              '9700 §4.14.2; RFC 6749 §6 allows it). Asked about the old one, it said "active": false (RFC 7662 §2.2), ' +
              'or refused it with invalid_grant. If a thief replays a rotated refresh token, the auth server sees the ' +
              'reuse and revokes the whole family.',
          };
      }
      return {
        passed: false,
        hint: 'Photo Printer refreshed, but nothing recorded shows the old refresh token is dead. A re-order that refreshes asks the auth server about the old one (introspection): re-order once more after "Don\'t wait".',
      };
    },
  },
  {
    id: 'device-second-browser',
    title: 'Approve the kiosk from a second browser',
    goal:
      'Start the photo kiosk (a device without a keyboard), then in a second browser (or your phone) open the auth ' +
      "server's device page, sign in as yourself, type the kiosk's code and approve, until the kiosk shows your photos.",
    startAt: { href: '/kiosk', label: 'the photo kiosk' },
    rfc: 'RFC 8628 §3.1-§3.5',
    check({ exchanges, authState, sub }) {
      const polls = tokenRequests(exchanges, DEVICE_CODE_GRANT);
      if (polls.length === 0)
        return { passed: false, hint: 'The kiosk has not asked for a token yet. Open the kiosk and start it.' };
      const got = polls.filter(succeeded).find((c) => claimsOf(c.json?.access_token as string)?.sub === sub);
      if (!got) {
        const pending = polls.at(-1)!.json?.error;
        return {
          passed: false,
          hint:
            pending === 'authorization_pending' || pending === 'slow_down'
              ? 'The kiosk is still waiting (authorization_pending): open the device page in another browser, sign in as yourself, type the code and approve.'
              : `The kiosk did not get a token for you (last answer: ${String(pending ?? polls.at(-1)!.exchange.response.status)}). Start the kiosk again and approve it as yourself.`,
        };
      }
      // The auth server's side: the approval (housekeeping sweeps expired device requests), or the grant it made.
      const kioskClient = claimsOf(got.json?.access_token as string)?.client_id;
      const approvals = (authState?.devices ?? []).filter(
        (d) =>
          (d.status === 'used' || d.status === 'approved') &&
          (kioskClient === undefined || d.client_id === kioskClient),
      );
      const onRecord = approvals.length > 0 || authState?.grants.some((g) => g.client_id === kioskClient);
      if (authState && !onRecord)
        return {
          passed: false,
          hint: 'The auth server has no device approval of yours on record (was the demo reset?). Start the kiosk again.',
        };
      // Which browser approved: the auth server says only whether it is one where you authorized Photo Printer.
      if (approvals.length > 0 && approvals.every((d) => d.same_browser_as_code_flow === true))
        return {
          passed: false,
          hint:
            'The kiosk got your token, but you approved it in the same browser you use for Photo Printer. Start the ' +
            'kiosk again and approve from a second browser (another browser, a private window, or your phone). Why it ' +
            'matters: RFC 8628 §3.3 has you answer on a device of your own that you trust, and §5.4 warns of remote ' +
            'phishing: anyone can start a device request and send you its code, so you type the code only on your own ' +
            'device, after checking which device and app asks.',
        };
      const compared = approvals.some((d) => d.same_browser_as_code_flow === false);
      return {
        passed: true,
        explanation:
          'The kiosk asked for a device_code and a short user_code (RFC 8628 §3.1-§3.2), then polled the token ' +
          'endpoint (§3.4) while you approved on another device, where you can type a password safely (§3.3). ' +
          'The kiosk never saw your password, and the token it got is for you, limited to what you approved (§3.5). ' +
          (compared
            ? 'The auth server confirms you approved from another browser than the one you use for Photo Printer.'
            : authState
              ? 'The auth server could not compare the browser that approved with the one you use for Photo Printer ' +
                '(no Photo Printer authorization of yours, or no approval, on record to compare), so that part was not checked.'
              : 'The auth server could not be asked which browser approved, so that part was not checked.'),
      };
    },
  },
  {
    id: 'revoke-still-works',
    title: 'Revoke Photo Printer, and watch its access token still work',
    goal:
      'With your photos imported, remove Photo Printer in Connected apps on the auth server, then open your photos ' +
      'on Photo Printer again (or Re-order one of your orders), and explain why Drive still hands them over.',
    startAt: { href: '/photos', label: 'your photos' },
    answerLabel: 'Why does the access token still work?',
    rfc: 'RFC 7009 §2, RFC 9068 §4, RFC 7662',
    check({ exchanges, authState }) {
      if (!authState)
        return { passed: false, hint: 'Photo Printer could not ask the auth server about your grants. Try again.' };
      const revoked = authState.grants
        .filter((g) => g.revoked_at !== null)
        .sort((a, b) => (b.revoked_at ?? 0) - (a.revoked_at ?? 0));
      if (revoked.length === 0)
        return {
          passed: false,
          hint: 'Photo Printer still has your consent. On the auth server, open Connected apps and remove Photo Printer.',
        };
      const stillWorked = calls(exchanges, 'drive').find((c) => {
        if (c.exchange.response.status !== 200) return false;
        const iat = claimsOf(bearerOf(c.exchange))?.iat;
        return revoked.some(
          (g) =>
            c.exchange.at >= g.revoked_at! * 1000 &&
            typeof iat === 'number' &&
            iat <= g.revoked_at! &&
            iat >= g.created_at,
        );
      });
      if (stillWorked)
        return {
          passed: true,
          explanation:
            'Removing the app revoked the grant and its refresh tokens at the auth server (RFC 7009 §2): no new ' +
            'access token will ever come from it. But Drive checks access tokens by their signature alone (JWT mode, ' +
            'RFC 9068 §4) and never asks the auth server, so a token already issued works until it expires. That is ' +
            'why access tokens are short-lived, and why a resource server that must see a revocation at once asks ' +
            'the auth server about every token (introspection, RFC 7662: DRIVE_TOKEN_VALIDATION=introspection).',
        };
      return {
        passed: false,
        hint: `You revoked Photo Printer (${clock(revoked[0]!.revoked_at! * 1000)}), but Photo Printer has not called Drive with its old access token since. Open your photos on Photo Printer (or Re-order one of your orders): Photo Printer asks Drive for them again with the access token it holds (steps 7-8, a flow of its own on the timeline). Do not import again: a new consent gives a new token.`,
      };
    },
  },
];

export function findExercise(id: unknown): Exercise | undefined {
  return EXERCISES.find((e) => e.id === id);
}

/** Run one check; a check that throws is a failed try with a plain hint, never a 500. */
export function checkExercise(exercise: Exercise, evidence: ExerciseEvidence): CheckResult {
  try {
    return exercise.check(evidence);
  } catch {
    return { passed: false, hint: 'The check could not read what was recorded. Try the exercise again.' };
  }
}

/** The learner's `sub`, read from an access token Photo Printer itself received from the token endpoint. */
export function subjectOf(accessToken: string | undefined): string | undefined {
  const sub = claimsOf(accessToken)?.sub;
  return typeof sub === 'string' && sub !== '' ? sub : undefined;
}
