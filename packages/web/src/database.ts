/**
 * @module database
 *
 * One embedded SQLite database per service (better-sqlite3): a real database with transactions and
 * durable writes, nothing to install. Each service lists its schema as ordered migrations; the database
 * remembers how many it has applied (`PRAGMA user_version`).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';

export type Db = Database.Database;

export function openDatabase(file: string, migrations: readonly string[]): Db {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  // WAL: readers never block the writer; synchronous=NORMAL is durable across a process crash (kill -9).
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const applied = db.pragma('user_version', { simple: true }) as number;
  db.transaction(() => {
    migrations.slice(applied).forEach((sql) => db.exec(sql));
    db.pragma(`user_version = ${migrations.length}`);
  })();
  return db;
}
