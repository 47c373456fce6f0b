/**
 * @module users
 *
 * Resource owners: the people whose photos are on Drive. Their id is the `sub` of their tokens.
 */
import type { Db } from '@oauth-demo/web';
import { DUMMY_PASSWORD_HASH, verifyPassword } from './passwords.js';

/**
 * A user id as typed, in its one spelling: user ids are lower case (the seeded ones, and join.ts allows no other),
 * and a name is the same name whatever its case, so "Walker" and "walker" are one learner, one `sub`. Only A-Z is
 * lowered: no other character may stand for an id's letter (Unicode's Kelvin sign lowers to "k").
 */
export function canonicalUsername(typed: string): string {
  return typed.trim().replace(/[A-Z]/g, (letter) => letter.toLowerCase());
}

export interface User {
  id: string;
  display_name: string;
}

export class UserRepository {
  private readonly byId;
  private readonly insertStmt;
  private readonly countStmt;

  constructor(private readonly db: Db) {
    this.byId = db.prepare<[string], User & { password_hash: string }>('SELECT * FROM users WHERE id = ?');
    this.insertStmt = db.prepare('INSERT OR IGNORE INTO users (id, display_name, password_hash) VALUES (?, ?, ?)');
    this.countStmt = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM users');
  }

  count(): number {
    return this.countStmt.get()!.n;
  }

  /**
   * A learner joins the class (join.ts): a new user, unless the name is taken or there are `maxUsers` already.
   * Counted and inserted in one write transaction, so two joins at once cannot pass the bound together.
   */
  create(id: string, passwordHash: string, maxUsers: number): 'created' | 'taken' | 'full' {
    return this.db
      .transaction((): 'created' | 'taken' | 'full' => {
        if (this.byId.get(id)) return 'taken';
        if (this.count() >= maxUsers) return 'full';
        this.insertStmt.run(id, id, passwordHash);
        return 'created';
      })
      .immediate();
  }

  /** Every user id but the given ones (the seeded accounts), by name: the learners who joined (routes/learners.ts). */
  listIdsExcept(excluded: readonly string[]): string[] {
    return this.db
      .prepare<[], { id: string }>('SELECT id FROM users ORDER BY id LIMIT 1000')
      .all()
      .map((row) => row.id)
      .filter((id) => !excluded.includes(id));
  }

  find(id: string): User | undefined {
    const row = this.byId.get(id);
    return row ? { id: row.id, display_name: row.display_name } : undefined;
  }

  insertIfMissing(id: string, displayName: string, passwordHash: string): void {
    this.insertStmt.run(id, displayName, passwordHash);
  }

  /**
   * The user, if the password is right. An unknown user costs the same scrypt as a known one, and both
   * failures look the same to the caller, so the login form cannot be used to find out who has an account.
   * The name is compared whatever its case (canonicalUsername).
   */
  async authenticate(username: string, password: string): Promise<User | undefined> {
    const row = this.byId.get(canonicalUsername(username));
    const ok = await verifyPassword(password, row?.password_hash ?? (await DUMMY_PASSWORD_HASH));
    return row && ok ? { id: row.id, display_name: row.display_name } : undefined;
  }
}
