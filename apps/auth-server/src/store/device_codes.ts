/**
 * @module store/device_codes
 *
 * Device authorization requests (RFC 8628 §3.1-3.5), waiting for the user to answer on another device. The
 * device_code is stored by SHA-256 only; the short user_code is stored as typed by nobody: normalised, without
 * the dash (see grants/device_code.ts).
 */
import type { Db } from '@oauth-demo/web';
import { hashToken, now } from './database.js';

export interface DeviceCodeRecord {
  device_code_hash: string;
  user_code: string;
  client_id: string;
  scope: string;
  expires_at: number;
  interval: number;
  /** Milliseconds. */
  last_polled_at: number | null;
  status: 'pending' | 'approved' | 'denied' | 'used';
  user_id: string | null;
  grant_id: string | null;
  /** SHA-256 of the browser that approved or denied it (browser_id.ts); null while pending, or before migration 10. */
  browser_hash: string | null;
}

export interface NewDeviceCode {
  userCode: string;
  clientId: string;
  scope: string;
  expiresAt: number;
  interval: number;
}

/** Who answered (§3.3), in which browser (browser_id.ts), and how. */
export type DeviceAnswer = { userId: string; browserHash: string } & (
  | { approved: true; grantId: string }
  | { approved: false }
);

export class DeviceCodeStore {
  constructor(private readonly db: Db) {}

  insert(deviceCode: string, d: NewDeviceCode): void {
    this.db
      .prepare(`INSERT INTO device_codes (device_code_hash, user_code, client_id, scope, expires_at, interval, status)
                VALUES (?, ?, ?, ?, ?, ?, 'pending')`)
      .run(hashToken(deviceCode), d.userCode, d.clientId, d.scope, d.expiresAt, d.interval);
  }

  /** The device requests this user approved or denied (RFC 8628 §3.3), newest last (routes/learners.ts). */
  listDecidedBy(userId: string): Pick<DeviceCodeRecord, 'client_id' | 'status' | 'browser_hash'>[] {
    return this.db
      .prepare<[string], Pick<DeviceCodeRecord, 'client_id' | 'status' | 'browser_hash'>>(
        "SELECT client_id, status, browser_hash FROM device_codes WHERE user_id = ? AND status != 'pending' ORDER BY expires_at LIMIT 100",
      )
      .all(userId);
  }

  findByDeviceCodeHash(deviceCodeHash: string): DeviceCodeRecord | undefined {
    return this.db
      .prepare<[string], DeviceCodeRecord>('SELECT * FROM device_codes WHERE device_code_hash = ?')
      .get(deviceCodeHash);
  }

  findByUserCode(userCode: string): DeviceCodeRecord | undefined {
    return this.db.prepare<[string], DeviceCodeRecord>('SELECT * FROM device_codes WHERE user_code = ?').get(userCode);
  }

  /**
   * The user's answer (§3.3). Only a pending request can be answered, and approved only before it expires. A
   * denial remembers who denied it too (no grant, and the token endpoint answers access_denied, §3.5).
   */
  answer(userCode: string, answer: DeviceAnswer): boolean {
    const result = answer.approved
      ? this.db
          .prepare(
            `UPDATE device_codes SET status = 'approved', user_id = ?, grant_id = ?, browser_hash = ? WHERE user_code = ? AND status = 'pending' AND expires_at > ?`,
          )
          .run(answer.userId, answer.grantId, answer.browserHash, userCode, now())
      : this.db
          .prepare(
            `UPDATE device_codes SET status = 'denied', user_id = ?, browser_hash = ? WHERE user_code = ? AND status = 'pending'`,
          )
          .run(answer.userId, answer.browserHash, userCode);
    return result.changes === 1;
  }

  /** A poll at `at` (ms); `slowDown` adds 5 seconds to the interval for this and every later poll (§3.5). */
  recordPoll(deviceCodeHash: string, at: number, slowDown: boolean): void {
    if (slowDown)
      this.db
        .prepare('UPDATE device_codes SET interval = interval + 5, last_polled_at = ? WHERE device_code_hash = ?')
        .run(at, deviceCodeHash);
    else
      this.db.prepare('UPDATE device_codes SET last_polled_at = ? WHERE device_code_hash = ?').run(at, deviceCodeHash);
  }

  /** Hand the tokens out once, atomically (like an authorization code): true for exactly one caller. */
  claim(deviceCodeHash: string): boolean {
    return (
      this.db
        .prepare(`UPDATE device_codes SET status = 'used' WHERE device_code_hash = ? AND status = 'approved'`)
        .run(deviceCodeHash).changes === 1
    );
  }
}
