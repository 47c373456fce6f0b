/**
 * @module join
 *
 * Joining the class (issue 12 item 2): beside the demo's alice and bob, each learner becomes a resource owner of
 * their own, from the sign-in page, with just a name and a password. Their consent, tokens, connected apps and
 * revocations are theirs alone, and Drive gives them photos of their own on first sight (apps/drive photos/seed.ts).
 *
 * - The name is the user id, and so the `sub` of their tokens (RFC 9068 §2.2): 3-24 characters a-z 0-9 . _ -.
 *   Capitals are accepted and lowered here, on the server (users.ts canonicalUsername): "Walker" joins as
 *   `walker`, and "walker" is then taken, never a second learner. No email, nothing personal.
 * - A name that is a registered client_id is refused: a client acting for itself has that `sub`
 *   (client credentials), and a user's `sub` must never be mistaken for a client's (RFC 9068 §5).
 * - The password: at least 8 characters, hashed with scrypt like the others (passwords.ts), one hash at a time
 *   among the other password checks (a flood of joins cannot starve sign-ins of CPU).
 * - `CLASS_SIGNUP=off` turns joining off; `MAX_USERS` bounds the number of users, with a clear message when full.
 */
import type { Request } from 'express';
import { optionalParam } from '@oauth-demo/tokens';
import type { AuthContext } from './context.js';
import { hashPassword, PasswordChecksBusy, takeTurnForPasswordCheck } from './passwords.js';
import { busyResult, startSignedInSession } from './sign_in.js';
import { canonicalUsername, type User } from './users.js';

const USERNAME_RULE = /^[a-z0-9._-]{3,24}$/;
const MIN_PASSWORD_LENGTH = 8;

export type JoinResult =
  | { ok: true; user: User }
  | { ok: false; status: 400 | 403 | 409 | 503; message: string; retryAfterS?: number };

export async function joinClass(
  req: Request,
  { config, users, clients }: Pick<AuthContext, 'config' | 'users' | 'clients'>,
): Promise<JoinResult> {
  if (!config.classSignup)
    return {
      ok: false,
      status: 403,
      message: 'Joining is turned off for this class (CLASS_SIGNUP=off). Ask your instructor for an account.',
    };
  const username = canonicalUsername(optionalParam(req.body, 'username') ?? '');
  const password = optionalParam(req.body, 'password') ?? '';
  if (!USERNAME_RULE.test(username)) {
    return {
      ok: false,
      status: 400,
      message:
        'Choose a name of 3 to 24 characters: letters a-z (capitals become lower case), digits, dot, underscore or hyphen.',
    };
  }
  if (password.length < MIN_PASSWORD_LENGTH || password.length > 200) {
    return { ok: false, status: 400, message: `Choose a password of at least ${MIN_PASSWORD_LENGTH} characters.` };
  }
  if (clients.find(username)) return { ok: false, status: 409, message: 'That name is taken. Choose another one.' };
  if (users.count() >= config.maxUsers) return full(config.maxUsers);
  let hash: string;
  try {
    hash = await takeTurnForPasswordCheck(() => hashPassword(password));
  } catch (err) {
    if (err instanceof PasswordChecksBusy) return busyResult(err);
    throw err;
  }
  const outcome = users.create(username, hash, config.maxUsers);
  if (outcome === 'taken') return { ok: false, status: 409, message: 'That name is taken. Choose another one.' };
  if (outcome === 'full') return full(config.maxUsers);
  const user = users.find(username)!;
  await startSignedInSession(req, user);
  return { ok: true, user };
}

function full(maxUsers: number): JoinResult {
  return {
    ok: false,
    status: 403,
    message: `The class is full: it has ${maxUsers} users (MAX_USERS). Ask your instructor, or sign in as alice or bob.`,
  };
}
