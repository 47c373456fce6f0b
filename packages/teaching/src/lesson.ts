/**
 * @module lesson
 *
 * The 45-minute lesson of docs/lesson.md as data (issue 18 item 2): its segments, their timings, what to say, what to
 * click, the page each opens and the state that page is prepared in. The printer's lesson bar runs the lesson from
 * it, and a unit test (lesson.test.ts) checks that docs/lesson.md's segment headings (`## n. Title: m minutes
 * [h:mm]`) say the same: one plan, no drift. Framework-free: the printer carries out the preparations with its real
 * routes' code (apps/printer/src/routes/teaching/lesson.ts).
 */
import type { ExerciseId } from './exercises.js';

/** Which service a segment's page is on. */
export type LessonService = 'printer' | 'auth' | 'drive';

/**
 * A state a segment's page needs, prepared on the server before the browser is sent there (real state, no fakes):
 * - `step-through-on` / `step-through-off`: the printer's step-through mode (each hop pauses on a page);
 * - `fresh-consent`: the consent screen shows again for this browser: the printer's tokens are revoked at the auth
 *   server (RFC 7009; revoking the refresh token ends the grant, so the remembered consent is gone) and the
 *   authorization request asks `prompt=consent` (“Ask me again”, ticked in instructor mode);
 * - `pin-last-flow`: this session's last flow is pinned in the timeline (never evicted) and shown;
 * - `start-kiosk`: the kiosk's device authorization request is sent (RFC 8628 §3.1), its user code on the screen;
 * - `printer-app-first`: Connected apps lists Photo Printer first (the apps the lesson connected before, the kiosk's
 *   among them, come after it), so its Remove button is on the projector's first screen.
 */
export type LessonPreparation =
  | 'step-through-on'
  | 'step-through-off'
  | 'fresh-consent'
  | 'pin-last-flow'
  | 'start-kiosk'
  | 'printer-app-first';

export interface LessonSegment {
  /** Stable id (a URL fragment of docs/lesson.md is its heading's; this one names the segment in forms and tests). */
  id: string;
  title: string;
  minutes: number;
  /** What to say, in one line (the bar shows it; the full text is `notes` and docs/lesson.md). */
  say: string;
  /** What to click, in one line. */
  click: string;
  /** The fuller notes, shown on demand. */
  notes: string;
  /** The page the segment opens. */
  page: { service: LessonService; path: string };
  /** What the page needs, prepared before it opens (in this order). */
  prepare: readonly LessonPreparation[];
  /** The page's action (a button or element name): what must be on the first screen at 1280×720. */
  action: string;
  /** The checked exercises (exercises.ts) the room can do after this segment: the bar links to them. */
  exercises?: readonly ExerciseId[];
}

/** The lesson's length, as docs/lesson.md's title says. */
export const LESSON_MINUTES = 45;

export const LESSON: readonly LessonSegment[] = [
  {
    id: 'story',
    title: 'The story and the five terms',
    minutes: 5,
    say: 'Photo Printer wants your photos on Drive, never your Drive password: the Auth server asks you, then gives it a token.',
    click: 'The coloured role bar on top (“Role: Client”), then Who is who.',
    notes:
      'Name the five terms on the cards: Resource (a photo), Resource Owner (you), Resource Server (Drive, blue), Client (Photo Printer, brown), Authorization Server (Auth server, purple). The colours stay the same on every page and in the timeline. Ask the room: “What would go wrong if Photo Printer just asked for the Drive password?” and keep the answer for segment 6.',
    page: { service: 'printer', path: '/' },
    prepare: ['step-through-off'],
    action: 'Role: Client',
  },
  {
    id: 'code-flow',
    title: 'The Authorization Code flow, one hop at a time',
    minutes: 10,
    say: 'One hop at a time: the browser carries the request, the password is typed only on the Auth server, the token never goes through the browser.',
    click: 'Import photos from Drive (step-through is on: Continue, or → / space, at each hop).',
    notes:
      'Step 1-2: response_type=code, client_id, the exact redirect_uri, scope, state (against CSRF) and the PKCE code_challenge (RFC 7636 §4.2). Sign in as alice / wonderland on the Auth server. Step 3, consent: read the scopes aloud, point at the Client’s name, Allow. Step 4: a one-time code, the same state, and iss (RFC 9207). Steps 5-6: code + code_verifier + client authentication to the token endpoint, server to server. Steps 7-8: Authorization: Bearer (RFC 6750); Drive checks signature, issuer, audience, expiry and scope. Learners do the same and say which step they are on.',
    page: { service: 'printer', path: '/' },
    prepare: ['step-through-on', 'fresh-consent'],
    action: 'Import photos from Drive',
  },
  {
    id: 'consent',
    title: "Consent is the user's choice",
    minutes: 4,
    say: 'The Client asks; the user decides, and may grant less than was asked (RFC 6749 §3.3).',
    click:
      'Ask me again is ticked: Import photos from Drive, untick offline_access, Allow; once more and Deny; once more and Allow with offline_access.',
    notes:
      'After Allow without offline_access the home page says which scopes were granted and “No refresh token”. With Deny the printer shows access_denied (RFC 6749 §4.1.2.1): nothing was issued, and the Client must cope. A Client must read the scope it actually got. Last, Allow once more with offline_access ticked: segment 5 needs the refresh token.',
    page: { service: 'printer', path: '/' },
    prepare: ['step-through-off', 'fresh-consent'],
    action: 'Import photos from Drive',
    exercises: ['scope-photos-read'],
  },
  {
    id: 'timeline',
    title: 'Behind the scenes: the timeline and the token inspector',
    minutes: 6,
    say: 'Every exchange of the flow, as the three services recorded it: the back channel never touches the browser.',
    click: 'The last flow’s timeline (pinned): open an arrow; then the Token inspector (i) and tamper with the token.',
    notes:
      'A lane per party, each arrow numbered with the notes’ step. Point at the back channel and at Drive’s step 8 (signature checked, or its verified-token cache). Token inspector: iss, aud, sub, scope, exp, client_id (RFC 9068), the signature verified against the JWKS. In presenter view, Show secrets, copy the access token, change one character of its payload, Verify the signature: Signature invalid. Hide secrets after.',
    page: { service: 'printer', path: '/timeline' },
    prepare: ['step-through-off', 'pin-last-flow'],
    action: 'Unpin this flow',
    exercises: ['pkce-challenge', 'tamper-drive'],
  },
  {
    id: 'refresh',
    title: 'Refresh tokens and rotation',
    minutes: 4,
    say: 'Each refresh token is good once: a replayed old one revokes the whole family (RFC 9700 §4.14.2).',
    click:
      'Choose two photos, Place order; on the order page, Don’t wait: treat the access token as expired, then Re-order.',
    notes:
      'The printer uses its refresh token (steps 5-6 again, no user, no browser): the order page shows the old and the new refresh-token fingerprints. Open the timeline to show the refresh exchange.',
    page: { service: 'printer', path: '/photos' },
    prepare: ['step-through-off'],
    action: 'Place order',
    exercises: ['refresh-rotation'],
  },
  {
    id: 'other-grants',
    title: 'The other grants, and why two of them are gone',
    minutes: 6,
    say: 'The kiosk: you approve on your own phone (RFC 8628). Implicit and the password grant are no longer best practice (RFC 9700 §2.1.2, §2.4).',
    click:
      'The kiosk is started: approve its code at the auth server’s /device from a second browser; then /quick-print, /print-lab, Drive’s /signin.',
    notes:
      'Kiosk (Device Authorization): a short user code and a verification address; on the second browser open /device, type the code, Continue, sign in, Allow; the polling kiosk gets its token. Quick print: Implicit puts the token in the URL fragment and history; Authorization Code + PKCE done right, a code that is one-time. Print lab (Client Credentials): no user, sample gallery served, anyone’s photos refused with 403 insufficient_scope. Drive’s password sign-in: only the first party may ever ask for a password, and even then not best practice.',
    page: { service: 'printer', path: '/kiosk' },
    prepare: ['step-through-off', 'start-kiosk'],
    action: 'Your code',
    exercises: ['device-second-browser'],
  },
  {
    id: 'revocation',
    title: 'Revocation, and JWT versus introspection',
    minutes: 6,
    say: 'Revoked, yet the photos still load: Drive verifies the JWT itself, so a revoked access token works until it expires.',
    click:
      'Remove Photo Printer on Connected apps; back on the printer, Your photos (still there); Re-order with Don’t wait: invalid_grant.',
    notes:
      'Connected apps shows the apps of the user signed in to the Auth server in this browser: if it asks you to sign in, sign in as the user Photo Printer is connected for (alice / wonderland since segment 2), and Connected apps opens after it. Removing the app revokes the grant and every refresh token under it (RFC 7009). With DRIVE_TOKEN_VALIDATION=jwt (the default) Drive never asks the auth server: the access token works until it expires (600 s by default); only the refresh fails with invalid_grant (RFC 6749 §5.2). A trade-off, not a bug: short lifetimes bound the damage. With DRIVE_TOKEN_VALIDATION=introspection (RFC 7662) the same removal stops the photos at once.',
    page: { service: 'auth', path: '/apps' },
    prepare: ['step-through-off', 'printer-app-first'],
    action: 'Remove Photo Printer',
    exercises: ['revoke-still-works'],
  },
  {
    id: 'wrap-up',
    title: 'Wrap-up',
    minutes: 4,
    say: 'The user decides on the auth server; the code travels through the browser but the token does not; the resource server checks every token, every time.',
    click: 'The grants table: every grant against the notes’ eight steps. Then questions.',
    notes:
      'Point to docs/security.md for the rules and to the RFCs for the rest. After the class: Reset demo in the instructor panel.',
    page: { service: 'printer', path: '/grants' },
    prepare: ['step-through-off'],
    action: 'Which grant when',
  },
];

/** Minutes from the start of the lesson to the start of segment `index` (its “[h:mm]” in docs/lesson.md). */
export function segmentStartMinutes(index: number, lesson: readonly LessonSegment[] = LESSON): number {
  return lesson.slice(0, index).reduce((sum, s) => sum + s.minutes, 0);
}

/** `65` → `1:05`; `5.5` → `0:05` (whole minutes, as the plan counts them). */
export function formatClock(minutes: number): string {
  const whole = Math.floor(Math.max(0, minutes));
  return `${Math.floor(whole / 60)}:${String(whole % 60).padStart(2, '0')}`;
}

/** Milliseconds as `m:ss` (the bar's timer). */
export function formatElapsed(ms: number): string {
  const seconds = Math.floor(Math.max(0, ms) / 1000);
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

/** A segment heading of docs/lesson.md: `## 2. The Authorization Code flow, one hop at a time: 10 minutes [0:05]`. */
export interface LessonHeading {
  number: number;
  title: string;
  minutes: number;
  startsAt: string;
}

const HEADING = /^## (\d+)\. (.+): (\d+) minutes \[(\d+:\d\d)\]\s*$/;

/** The segment headings of docs/lesson.md, in order (other headings, e.g. the optional attack lab, are not segments). */
export function parseLessonHeadings(markdown: string): LessonHeading[] {
  const headings: LessonHeading[] = [];
  for (const line of markdown.split('\n')) {
    const match = HEADING.exec(line);
    if (match)
      headings.push({ number: Number(match[1]), title: match[2]!, minutes: Number(match[3]), startsAt: match[4]! });
  }
  return headings;
}

/** The headings docs/lesson.md must have, from the definition. */
export function lessonHeadings(lesson: readonly LessonSegment[] = LESSON): LessonHeading[] {
  return lesson.map((s, i) => ({
    number: i + 1,
    title: s.title,
    minutes: s.minutes,
    startsAt: formatClock(segmentStartMinutes(i, lesson)),
  }));
}

/** Where a running lesson is: kept in the instructor's session on the printer. */
export interface LessonState {
  /** Index into LESSON. */
  index: number;
  /** Epoch milliseconds: when the lesson started, and when the current segment was opened. */
  startedAt: number;
  segmentStartedAt: number;
}

/** The timer: elapsed in the segment and in the lesson, against the plan; `over` when past it. */
export interface LessonTimer {
  segmentElapsedMs: number;
  segmentPlanMs: number;
  segmentOver: boolean;
  lessonElapsedMs: number;
  /** Where the plan says the lesson should be by the end of this segment. */
  lessonPlanMs: number;
  lessonOver: boolean;
}

export function lessonTimer(state: LessonState, now: number, lesson: readonly LessonSegment[] = LESSON): LessonTimer {
  const segment = lesson[state.index]!;
  const segmentElapsedMs = Math.max(0, now - state.segmentStartedAt);
  const lessonElapsedMs = Math.max(0, now - state.startedAt);
  const segmentPlanMs = segment.minutes * 60_000;
  const lessonPlanMs = segmentStartMinutes(state.index + 1, lesson) * 60_000;
  return {
    segmentElapsedMs,
    segmentPlanMs,
    segmentOver: segmentElapsedMs > segmentPlanMs,
    lessonElapsedMs,
    lessonPlanMs,
    lessonOver: lessonElapsedMs > lessonPlanMs,
  };
}

/**
 * Move through the lesson: `next` past the last segment ends it (null), `previous` stops at the first, a segment id goes there. The segment's clock restarts; the lesson's keeps running.
 */
export function moveLesson(
  state: LessonState | undefined,
  to: string,
  now: number,
  lesson: readonly LessonSegment[] = LESSON,
): LessonState | null {
  let index: number;
  if (to === 'next') index = state ? state.index + 1 : 0;
  else if (to === 'previous') index = state ? Math.max(0, state.index - 1) : -1;
  else index = lesson.findIndex((s) => s.id === to);
  if (index < 0 || index >= lesson.length) return null;
  return { index, startedAt: state?.startedAt ?? now, segmentStartedAt: now };
}
