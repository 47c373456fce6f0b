/**
 * @module throttle
 *
 * Failed-login throttling (docs/security.md §S6, OWASP ASVS V6.3): after `limit` failures for one username from one
 * address within `windowMs`, further attempts are refused until the window passes. In memory and bounded:
 * counters may be lost on restart (documented), never grow without limit.
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
