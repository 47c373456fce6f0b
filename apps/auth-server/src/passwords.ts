/**
 * @module passwords
 *
 * User passwords are low-entropy secrets, so they are stored with a slow, salted hash (scrypt), unlike client
 * secrets (256 random bits, see @oauth-demo/tokens client_auth.ts) for which a fast hash is enough.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { availableParallelism } from 'node:os';

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
 * Password checks take turns: at most `concurrency` run at once, the others wait. scrypt runs on libuv's thread
 * pool (4 threads by default), which the token endpoint also needs: jose signs every access token there
 * (WebCrypto). And each scrypt is ~50-100 ms of a whole CPU: when a class of 200 signs in at the same minute,
 * unbounded scrypt would fill the pool and take every CPU, so that token responses, and even the accepting of
 * new connections (one per event-loop turn, bench/README.md), queue behind seconds of password hashing. So at
 * most half the CPUs this process may use hash at once (at least one, at most two).
 *
 * The queue is bounded by time, not only by length: a check that would wait longer than `maxWaitMs` (from the
 * number ahead of it and the recent duration of a check) is refused at once with PasswordChecksBusy and its
 * estimate, answered as 503 with Retry-After (RFC 9110 §10.2.3, §15.6.4), rather than left to hang.
 *
 * `check` runs when its turn comes, so a caller can look at the failure counters then, not before it
 * queued: guesses that waited together still see each other's failures (sign_in.ts, grants/password.ts).
 */
const limits = {
  concurrency: Math.max(1, Math.min(2, Math.floor(availableParallelism() / 2))),
  /** SIGN_IN_MAX_WAIT (config.ts). */
  maxWaitMs: 10_000,
};
/** At most this many wait for their turn, whatever the estimate says. */
const MAX_WAITING_SCRYPT = 1000;
let running = 0;
const waiting: (() => void)[] = [];
/** Recent duration of one check, ms (moving average; scrypt N=2^14 is about 50-100 ms of one CPU). */
let averageCheckMs = 100;

/** Set at start-up from the configuration (createApp); `concurrency` defaults to half the CPUs, 1 to 2. */
export function configurePasswordChecks(options: { maxWaitMs?: number; concurrency?: number }): void {
  if (options.maxWaitMs !== undefined) limits.maxWaitMs = options.maxWaitMs;
  if (options.concurrency !== undefined) limits.concurrency = options.concurrency;
}

export function passwordCheckConcurrency(): number {
  return limits.concurrency;
}

/** Too many password checks are already waiting: answer "busy, try again" (503 + Retry-After), do not queue. */
export class PasswordChecksBusy extends Error {
  constructor(readonly retryAfterS: number) {
    super(`the sign-in queue is full: a turn would come in about ${retryAfterS} s`);
  }
}

/** How long a check queued now would wait for its turn, in ms. */
function expectedWaitMs(): number {
  return Math.ceil((waiting.length + 1) / limits.concurrency) * averageCheckMs;
}

export async function takeTurnForPasswordCheck<T>(check: () => Promise<T>): Promise<T> {
  if (running < limits.concurrency) running++;
  else {
    const wait = expectedWaitMs();
    if (waiting.length >= MAX_WAITING_SCRYPT || wait > limits.maxWaitMs)
      throw new PasswordChecksBusy(Math.min(60, Math.max(1, Math.ceil(wait / 1000))));
    await new Promise<void>((resolve) => waiting.push(resolve)); // the finishing one hands over its turn
  }
  const started = performance.now();
  try {
    return await check();
  } finally {
    averageCheckMs = 0.8 * averageCheckMs + 0.2 * (performance.now() - started);
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
