/**
 * @module passwords
 *
 * User passwords are low-entropy secrets, so they are stored with a slow, salted hash (scrypt), unlike client
 * secrets (256 random bits, see @oauth-demo/tokens client_auth.ts) for which a fast hash is enough.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const N = 16384;
const r = 8;
const p = 1;
const KEY_LENGTH = 32;

function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password, salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

/**
 * Password checks take turns: at most MAX_CONCURRENT_SCRYPT run at once, the others wait. scrypt runs on
 * libuv's thread pool (4 threads by default), which the token endpoint also needs: jose signs every access
 * token there (WebCrypto). When a class of 200 signs in at the same minute, unbounded scrypt would fill the
 * pool and every token response would queue behind seconds of password hashing.
 *
 * `check` runs when its turn comes, so a caller can look at the failure counters then, not before it
 * queued: guesses that waited together still see each other's failures (sign_in.ts, grants/password.ts).
 */
export const MAX_CONCURRENT_SCRYPT = 2;
/** At most this many wait for their turn (a whole class signing in at once fits); more are refused at once. */
const MAX_WAITING_SCRYPT = 1000;
let running = 0;
const waiting: (() => void)[] = [];

/** Too many password checks are already waiting: answer "busy, try again" (503) rather than queue more. */
export class PasswordChecksBusy extends Error {
  constructor() {
    super(`more than ${MAX_WAITING_SCRYPT} password checks are waiting`);
  }
}

export async function takeTurnForPasswordCheck<T>(check: () => Promise<T>): Promise<T> {
  if (running < MAX_CONCURRENT_SCRYPT) running++;
  else if (waiting.length >= MAX_WAITING_SCRYPT) throw new PasswordChecksBusy();
  else await new Promise<void>((resolve) => waiting.push(resolve)); // the finishing one hands over its turn
  try {
    return await check();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

/** How many password checks are running now (tests). */
export function passwordChecksRunning(): number {
  return running;
}

/** `scrypt$N$r$p$salt$hash`, all in one string so the parameters can change later. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password, salt, { N, r, p });
  return ['scrypt', N, r, p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, rr, pp, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64url');
  const actual = await scrypt(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(rr), p: Number(pp) });
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash of a random password, to spend the same time on an unknown user as on a known one. */
export const DUMMY_PASSWORD_HASH = hashPassword(randomBytes(16).toString('hex'));
