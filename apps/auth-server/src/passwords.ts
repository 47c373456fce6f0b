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

/**
 * At most this many scrypt computations run at once; the others wait their turn. scrypt runs on libuv's
 * thread pool (4 threads by default), which the token endpoint also needs: jose signs every access token
 * there (WebCrypto). When a class of 200 signs in at the same minute, unbounded scrypt would fill the pool
 * and every token response would queue behind ~13 s of password hashing.
 */
export const MAX_CONCURRENT_SCRYPT = 2;
let running = 0;

/** How many scrypt computations are running now (tests). */
export function scryptRunning(): number {
  return running;
}
const waiting: (() => void)[] = [];

async function scrypt(password: string, salt: Buffer, options: ScryptOptions): Promise<Buffer> {
  if (running < MAX_CONCURRENT_SCRYPT) running++;
  else await new Promise<void>((resolve) => waiting.push(resolve)); // the finishing one hands over its slot
  try {
    return await new Promise((resolve, reject) => scryptCb(password, salt, KEY_LENGTH, options, (err, key) => (err ? reject(err) : resolve(key))));
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
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
