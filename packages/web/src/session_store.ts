/**
 * @module session_store
 *
 * An express-session store in the service's own SQLite database: sessions are bounded (expired ones are
 * swept), shared by nothing, and survive a restart, so a learner mid-flow is not logged out by it.
 */
import session from 'express-session';
import type { Db } from './database.js';

const SESSION_TABLE = `CREATE TABLE IF NOT EXISTS sessions (
  sid TEXT PRIMARY KEY,
  data TEXT NOT NULL,
  expires_at INTEGER NOT NULL
)`;

const DAY_MS = 24 * 60 * 60 * 1000;

export interface SessionLifetimes {
  /** Signed-in sessions live until their cookie expires; the others `signedOutMaxAgeMs` after their last use. */
  isSignedIn: (data: session.SessionData) => boolean;
  signedOutMaxAgeMs: number;
}

export class SqliteSessionStore extends session.Store {
  private readonly getStmt;
  private readonly setStmt;
  private readonly destroyStmt;
  private readonly touchStmt;
  private readonly sweepStmt;
  private readonly countStmt;
  private readonly expiriesStmt;
  private readonly timer: NodeJS.Timeout;

  private readonly lifetimes: SessionLifetimes | undefined;

  constructor(db: Db, sweepEveryMs = 10 * 60 * 1000, lifetimes?: SessionLifetimes) {
    super();
    this.lifetimes = lifetimes;
    db.exec(SESSION_TABLE);
    this.getStmt = db.prepare<[string, number], { data: string }>(
      'SELECT data FROM sessions WHERE sid = ? AND expires_at > ?',
    );
    this.setStmt = db.prepare(
      'INSERT INTO sessions (sid, data, expires_at) VALUES (?, ?, ?) ON CONFLICT(sid) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at',
    );
    this.destroyStmt = db.prepare('DELETE FROM sessions WHERE sid = ?');
    this.touchStmt = db.prepare('UPDATE sessions SET expires_at = ? WHERE sid = ?');
    this.sweepStmt = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');
    this.countStmt = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM sessions');
    this.expiriesStmt = db.prepare<[], { expires_at: number }>(
      'SELECT expires_at FROM sessions ORDER BY expires_at DESC',
    );
    this.timer = setInterval(() => this.sweep(), sweepEveryMs).unref();
  }

  override get(sid: string, cb: (err: unknown, session?: session.SessionData | null) => void): void {
    const row = this.getStmt.get(sid, Date.now());
    cb(null, row ? (JSON.parse(row.data) as session.SessionData) : null);
  }

  override set(sid: string, data: session.SessionData, cb?: (err?: unknown) => void): void {
    this.setStmt.run(sid, JSON.stringify(data), this.expiry(data));
    cb?.();
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    this.destroyStmt.run(sid);
    cb?.();
  }

  override touch(sid: string, data: session.SessionData, cb?: () => void): void {
    this.touchStmt.run(this.expiry(data), sid);
    cb?.();
  }

  sweep(): number {
    return this.sweepStmt.run(Date.now()).changes;
  }

  /** How many sessions are stored (expired or not): what a flood of requests would grow. */
  count(): number {
    return this.countStmt.get()!.n;
  }

  /** When each stored session expires (ms since the epoch), latest first. */
  expiries(): number[] {
    return this.expiriesStmt.all().map((row) => row.expires_at);
  }

  close(): void {
    clearInterval(this.timer);
  }

  private expiry(data: session.SessionData): number {
    const expires = data.cookie?.expires;
    const cookieExpiry = expires ? new Date(expires).getTime() : Date.now() + DAY_MS;
    if (!this.lifetimes || this.lifetimes.isSignedIn(data)) return cookieExpiry;
    return Math.min(cookieExpiry, Date.now() + this.lifetimes.signedOutMaxAgeMs);
  }
}
