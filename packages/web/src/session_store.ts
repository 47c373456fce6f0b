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

export class SqliteSessionStore extends session.Store {
  private readonly getStmt;
  private readonly setStmt;
  private readonly destroyStmt;
  private readonly touchStmt;
  private readonly sweepStmt;
  private readonly timer: NodeJS.Timeout;

  constructor(db: Db, sweepEveryMs = 10 * 60 * 1000) {
    super();
    db.exec(SESSION_TABLE);
    this.getStmt = db.prepare<[string, number], { data: string }>('SELECT data FROM sessions WHERE sid = ? AND expires_at > ?');
    this.setStmt = db.prepare('INSERT INTO sessions (sid, data, expires_at) VALUES (?, ?, ?) ON CONFLICT(sid) DO UPDATE SET data = excluded.data, expires_at = excluded.expires_at');
    this.destroyStmt = db.prepare('DELETE FROM sessions WHERE sid = ?');
    this.touchStmt = db.prepare('UPDATE sessions SET expires_at = ? WHERE sid = ?');
    this.sweepStmt = db.prepare('DELETE FROM sessions WHERE expires_at <= ?');
    this.timer = setInterval(() => this.sweep(), sweepEveryMs).unref();
  }

  override get(sid: string, cb: (err: unknown, session?: session.SessionData | null) => void): void {
    const row = this.getStmt.get(sid, Date.now());
    cb(null, row ? (JSON.parse(row.data) as session.SessionData) : null);
  }

  override set(sid: string, data: session.SessionData, cb?: (err?: unknown) => void): void {
    this.setStmt.run(sid, JSON.stringify(data), expiry(data));
    cb?.();
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    this.destroyStmt.run(sid);
    cb?.();
  }

  override touch(sid: string, data: session.SessionData, cb?: () => void): void {
    this.touchStmt.run(expiry(data), sid);
    cb?.();
  }

  sweep(): number {
    return this.sweepStmt.run(Date.now()).changes;
  }

  close(): void {
    clearInterval(this.timer);
  }
}

function expiry(data: session.SessionData): number {
  const expires = data.cookie?.expires;
  return expires ? new Date(expires).getTime() : Date.now() + DAY_MS;
}
