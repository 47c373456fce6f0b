/**
 * @module sign_in
 *
 * Signing a resource owner in to the auth server, shared by the authorization flow's login page and the
 * account pages. Failed attempts are throttled per address and username; an unknown user and a wrong
 * password get the same answer; the session id changes at sign-in (no session fixation).
 */
import type { Request } from 'express';
import { optionalParam } from '@oauth-demo/tokens';
import type { AuthContext } from './context.js';
import { PasswordChecksBusy, takeTurnForPasswordCheck } from './passwords.js';
import type { User } from './users.js';

export type SignInResult = { ok: true; user: User } | { ok: false; status: 401 | 429 | 503; message: string };

const TOO_MANY = 'Too many failed sign-ins. Wait a few minutes and try again.';

export async function signIn(req: Request, { users, loginThrottle }: Pick<AuthContext, 'users' | 'loginThrottle'>): Promise<SignInResult> {
  const username = optionalParam(req.body, 'username') ?? '';
  const password = optionalParam(req.body, 'password') ?? '';
  // Two counters: one per address and username, and one per username whatever the address, so that
  // changing address (or claiming another one) does not buy more guesses at one account.
  const keys = [`ip|${req.ip}|${username.toLowerCase()}`, `user|${username.toLowerCase()}`];
  let outcome: User | 'wrong' | 'blocked';
  try {
    outcome = await checkPassword({ users, loginThrottle }, keys, username, password);
  } catch (err) {
    if (err instanceof PasswordChecksBusy) return { ok: false, status: 503, message: 'Too many sign-ins at this moment. Try again in a few seconds.' };
    throw err;
  }
  if (outcome === 'blocked') return { ok: false, status: 429, message: TOO_MANY };
  if (outcome === 'wrong') return { ok: false, status: 401, message: 'Wrong username or password.' };
  const user = outcome;
  loginThrottle.reset(keys[0]!);
  // A new session id at sign-in, so an id planted before it is worthless. What this browser was in the
  // middle of (pending authorization requests, a device code being approved) is carried over.
  const { pending, deviceUserCode } = req.session;
  await new Promise<void>((resolve, reject) => req.session.regenerate((err) => (err ? reject(err) : resolve())));
  Object.assign(req.session, { pending, deviceUserCode, userId: user.id });
  return { ok: true, user };
}

/**
 * A password check guarded by failure counters (RFC 6749 §4.3.2: "MUST protect the endpoint against brute force
 * attacks"), for the login page and the password grant alike. Refused at once when a counter is full; otherwise
 * the check waits for its turn (passwords.ts) and looks at the counters again then, so guesses sent together see
 * the failures of those ahead of them. A failure counts on every key. Throws PasswordChecksBusy when too many
 * checks are already waiting.
 */
export async function checkPassword(
  { users, loginThrottle }: Pick<AuthContext, 'users' | 'loginThrottle'>,
  keys: string[],
  username: string,
  password: string,
): Promise<User | 'wrong' | 'blocked'> {
  const blocked = () => keys.some((key) => loginThrottle.isBlocked(key));
  if (blocked()) return 'blocked';
  return takeTurnForPasswordCheck(async () => {
    if (blocked()) return 'blocked';
    const user = await users.authenticate(username, password);
    if (!user) for (const key of keys) loginThrottle.recordFailure(key);
    return user ?? 'wrong';
  });
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
  if (!value.startsWith('/') || value.startsWith('//') || value.includes('\\') || /[\u0000-\u001f]/.test(value)) return fallback;
  return value;
}
