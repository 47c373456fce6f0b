/**
 * @module sign_in
 *
 * Signing a resource owner in to the auth server, shared by the authorization flow's login page and the
 * account pages. Failed attempts block per address and username, and slow down per username (never a lockout
 * of the real user); an unknown user and a wrong password get the same answer; the session id changes at
 * sign-in (no session fixation).
 */
import type { Request } from 'express';
import { optionalParam } from '@oauth-demo/tokens';
import type { AuthContext } from './context.js';
import { PasswordChecksBusy, takeTurnForPasswordCheck } from './passwords.js';
import { loginDelayMs } from './throttle.js';
import { canonicalUsername, type User } from './users.js';

export type SignInResult =
  | { ok: true; user: User }
  | { ok: false; status: 401 | 429 | 503; message: string; retryAfterS?: number };

/** The sign-in queue is full (passwords.ts): "busy, try again" with when, never a hang. */
export function busyResult(err: PasswordChecksBusy): { ok: false; status: 503; message: string; retryAfterS: number } {
  return {
    ok: false,
    status: 503,
    message: `The auth server is busy: many sign-ins at this moment. Try again in ${err.retryAfterS} s.`,
    retryAfterS: err.retryAfterS,
  };
}

const TOO_MANY = 'Too many failed sign-ins. Wait a few minutes and try again.';

export async function signIn(
  req: Request,
  { users, loginThrottle }: Pick<AuthContext, 'users' | 'loginThrottle'>,
): Promise<SignInResult> {
  const username = optionalParam(req.body, 'username') ?? '';
  const password = optionalParam(req.body, 'password') ?? '';
  const attempt = { channel: 'login', address: req.ip, username };
  let outcome: User | 'wrong' | 'blocked';
  try {
    outcome = await checkPassword({ users, loginThrottle }, attempt, password);
  } catch (err) {
    if (err instanceof PasswordChecksBusy) return busyResult(err);
    throw err;
  }
  if (outcome === 'blocked') return { ok: false, status: 429, message: TOO_MANY };
  if (outcome === 'wrong') return { ok: false, status: 401, message: 'Wrong username or password.' };
  const user = outcome;
  await startSignedInSession(req, user);
  return { ok: true, user };
}

/**
 * A new session id at sign-in (or on joining the class), so an id planted before it is worthless. What this
 * browser was in the middle of (pending authorization requests, a device code being approved) is carried over,
 * and so is its browser id (browser_id.ts).
 */
export async function startSignedInSession(req: Request, user: User): Promise<void> {
  const { pending, deviceUserCode, presenter, lessonNext, browserId } = req.session;
  await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
  // The browser's own id (browser_id.ts) too: it is the same browser, whoever signs in.
  Object.assign(req.session, { pending, deviceUserCode, browserId, userId: user.id });
  // Presenter view (switched on from the printer's instructor mode) survives the new session id, and so does the
  // lesson bar's way on from the page that sent the instructor here to sign in (packages/web presenter.ts).
  if (presenter) req.session.presenter = presenter;
  if (presenter && lessonNext) req.session.lessonNext = lessonNext;
}

/** Who is trying: the end user's address (as far as we can trust it) and the username they typed. */
export interface SignInAttempt {
  /** Where the password was typed: the sign-in page, or a client's password grant. Each has its own blocks. */
  channel: string;
  address: string | undefined;
  username: string;
}

/**
 * A password check guarded by failure counters (RFC 6749 §4.3.2: "MUST protect the endpoint against brute force
 * attacks"; docs/security.md §S6), for the login page and the password grant alike:
 * - per (address, username) a hard block: refused at once after FailureThrottle's limit. One guesser is stopped
 *   and nobody else is: the real user, from their own address, is never locked out by someone else's guesses;
 * - per username alone only a growing delay before the check (throttle.ts loginDelayMs), so that guessing one
 *   account from many addresses is slow, yet still no lockout.
 * The check waits for its turn (passwords.ts) and looks at the block again then, so guesses sent together see the
 * failures of those ahead of them. A failure counts on both counters; a success clears its (address, username)
 * counter. Throws PasswordChecksBusy when too many checks are already waiting.
 */
export async function checkPassword(
  { users, loginThrottle }: Pick<AuthContext, 'users' | 'loginThrottle'>,
  attempt: SignInAttempt,
  password: string,
): Promise<User | 'wrong' | 'blocked'> {
  // Counted under the name's one spelling, the one authenticate() looks up: " Alice " is alice, not fresh guesses.
  const name = canonicalUsername(attempt.username);
  const addressKey = `${attempt.channel}|${attempt.address ?? 'unknown'}|${name}`;
  const userKey = `user|${name}`;
  if (loginThrottle.isBlocked(addressKey)) return 'blocked';
  const delay = loginDelayMs(loginThrottle.count(userKey));
  if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
  const outcome = await takeTurnForPasswordCheck(async () => {
    if (loginThrottle.isBlocked(addressKey)) return 'blocked' as const;
    const user = await users.authenticate(attempt.username, password);
    if (!user) for (const key of [addressKey, userKey]) loginThrottle.recordFailure(key);
    return user ?? ('wrong' as const);
  });
  if (typeof outcome === 'object') loginThrottle.reset(addressKey);
  return outcome;
}

/** The signed-in user, if the session still names one that exists. */
export function currentUser(req: Request, { users }: Pick<AuthContext, 'users'>): User | undefined {
  return req.session.userId ? users.find(req.session.userId) : undefined;
}

/**
 * Where to go after signing in: only a path on this server. An absolute URL, a scheme-relative `//host`
 * or a backslash trick would make the login page an open redirector (RFC 9700 §4.11).
 */
export function safeReturnTo(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || value.length > 500) return fallback;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what this refuses.
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\') || /[\u0000-\u001f]/.test(value))
    return fallback;
  return value;
}
