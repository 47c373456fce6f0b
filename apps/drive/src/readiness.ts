/**
 * @module readiness
 *
 * Keeping step 8 ready before anyone asks: DriveApp.keepTokenValidationReady (app.ts) runs the validator's
 * `prepare` (token_verifier.ts: the auth server's metadata, then its keys) in the background, retries it after
 * a failure and repeats it every few minutes after a success, so no learner's request waits for the keys.
 */
import type { TokenValidator } from './token_validator.js';

/**
 * See DriveApp.keepTokenValidationReady. Failures in the first seconds are expected when the three services
 * start together (the auth server may not listen yet) and are not reported; after that, a failure is
 * reported at most once a minute, and the recovery once.
 */
export interface ReadinessTimings {
  /** First retry after a failure, doubled after each further failure up to maxRetryMs. */
  firstRetryMs: number;
  maxRetryMs: number;
  /** After a success, prepare again this much later (the keys stay fresh). */
  refreshMs: number;
  /** Failures this soon after start are expected (the auth server is starting too) and not reported. */
  quietStartMs: number;
  /** A failure is reported at most this often. */
  reportEveryMs: number;
}

const READINESS_TIMINGS: ReadinessTimings = {
  firstRetryMs: 500,
  maxRetryMs: 10_000,
  refreshMs: 5 * 60_000,
  quietStartMs: 5_000,
  reportEveryMs: 60_000,
};

export class Readiness {
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private retryMs: number;
  private startedAt = 0;
  private lastReport: number | undefined;

  constructor(
    private readonly validator: TokenValidator,
    private readonly log: (message: string) => void,
    private readonly timings: ReadinessTimings = READINESS_TIMINGS,
  ) {
    this.retryMs = timings.firstRetryMs;
  }

  start(): void {
    if (!this.validator.prepare || this.timer || this.stopped) return;
    this.startedAt = Date.now();
    this.run(0);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private run(delayMs: number): void {
    // unref: this never keeps the process alive on its own.
    this.timer = setTimeout(() => {
      this.validator.prepare!().then(
        () => {
          if (this.lastReport !== undefined)
            this.log('fetched the authorization server keys: token verification works again');
          this.lastReport = undefined;
          this.retryMs = this.timings.firstRetryMs;
          if (!this.stopped) this.run(this.timings.refreshMs);
        },
        (err: unknown) => {
          const now = Date.now();
          const quiet = now - this.startedAt < this.timings.quietStartMs;
          if (!quiet && (this.lastReport === undefined || now - this.lastReport >= this.timings.reportEveryMs)) {
            this.lastReport = now;
            this.log(
              `cannot fetch the authorization server keys yet, retrying: ${err instanceof Error ? err.message : String(err)}`,
            );
          }
          if (!this.stopped) this.run(this.retryMs);
          this.retryMs = Math.min(this.retryMs * 2, this.timings.maxRetryMs);
        },
      );
    }, delayMs).unref();
  }
}
