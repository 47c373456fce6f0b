/**
 * @module throttle
 *
 * Failed-login throttling (docs/security.md §S6, OWASP ASVS V6.3). Counters of failures within `windowMs`, by key:
 * - per (address, username), a hard block: after `limit` failures further attempts are refused until the window
 *   passes. It stops one guesser and blocks nobody else;
 * - per username alone, never a block: a growing delay (loginDelayMs) before each check. A block per username would
 *   let anyone lock the real user out from anywhere (five wrong passwords, a class sharing one account); a delay
 *   only slows the guessing down, and the real user, from their own address, still gets in.
 * In memory and bounded: counters may be lost on restart (documented), never grow without limit.
 */
export class FailureThrottle {
  private readonly failures = new Map<string, { count: number; resetAt: number }>();

  constructor(
    private readonly limit = 5,
    private readonly windowMs = 5 * 60 * 1000,
    private readonly maxKeys = 10_000,
  ) {}

  isBlocked(key: string, at = Date.now()): boolean {
    const entry = this.failures.get(key);
    if (!entry) return false;
    if (entry.resetAt <= at) {
      this.failures.delete(key);
      return false;
    }
    return entry.count >= this.limit;
  }

  /** Failures counted for `key` in the current window. */
  count(key: string, at = Date.now()): number {
    const entry = this.failures.get(key);
    return entry && entry.resetAt > at ? entry.count : 0;
  }

  recordFailure(key: string, at = Date.now()): void {
    const entry = this.failures.get(key);
    if (entry && entry.resetAt > at) entry.count += 1;
    else {
      if (this.failures.size >= this.maxKeys) this.sweep(at);
      if (this.failures.size >= this.maxKeys) this.failures.delete(this.failures.keys().next().value as string);
      this.failures.set(key, { count: 1, resetAt: at + this.windowMs });
    }
  }

  reset(key: string): void {
    this.failures.delete(key);
  }

  clear(): void {
    this.failures.clear();
  }

  private sweep(at: number): void {
    for (const [key, entry] of this.failures) if (entry.resetAt <= at) this.failures.delete(key);
  }
}

/** Failures for one username (from any address) that cost no delay; every one after doubles it. */
export const FREE_FAILURES_PER_USER = 5;
const FIRST_DELAY_MS = 100;
export const MAX_LOGIN_DELAY_MS = 2000;

/** The wait before checking a password for a user with `failures` recent failures: 0, then 100 ms doubling up to 2 s. */
export function loginDelayMs(failures: number): number {
  if (failures < FREE_FAILURES_PER_USER) return 0;
  return Math.min(MAX_LOGIN_DELAY_MS, FIRST_DELAY_MS * 2 ** (failures - FREE_FAILURES_PER_USER));
}
