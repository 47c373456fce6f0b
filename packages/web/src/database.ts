/**
 * @module database
 *
 * One embedded SQLite database per service (better-sqlite3): a real database with transactions and
 * durable writes, nothing to install. Each service lists its schema as ordered migrations; the database
 * remembers how many it has applied (`PRAGMA user_version`).
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ensurePrivateDir, ensurePrivateFile } from './private_files.js';

export type Db = Database.Database;

export function openDatabase(file: string, migrations: readonly string[]): Db {
  // Private (0700 folder, 0600 file): the database holds sessions, tokens, the signing key (private_files.ts).
  ensurePrivateDir(dirname(file));
  ensurePrivateFile(file);
  const db = new Database(file);
  reuseStatements(db);
  // WAL: readers never block the writer; synchronous=NORMAL is durable across a process crash (kill -9).
  // SQLite gives the -wal and -shm files the database file's mode; checked again here all the same.
  db.pragma('journal_mode = WAL');
  for (const side of [`${file}-wal`, `${file}-shm`]) if (existsSync(side)) ensurePrivateFile(side);
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  const applied = db.pragma('user_version', { simple: true }) as number;
  db.transaction(() => {
    for (const sql of migrations.slice(applied)) db.exec(sql);
    db.pragma(`user_version = ${migrations.length}`);
  })();
  return db;
}

/**
 * Compile each SQL text once. better-sqlite3 compiles SQL in `prepare()`, which costs more than running a
 * short statement (the token endpoint's CPU profile in bench/ showed it among the top frames), so `prepare`
 * here returns the statement compiled the first time this exact SQL was seen. Statements are reusable;
 * the cache is bounded by the SQL texts written in the code (no SQL is built from input). No caller changes a
 * statement's mode (`pluck`, `raw`, `expand`), which would leak to the next caller of the same SQL.
 */
function reuseStatements(db: Db): void {
  const compile = db.prepare.bind(db);
  const compiled = new Map<string, ReturnType<typeof compile>>();
  db.prepare = ((sql: string) => {
    let statement = compiled.get(sql);
    if (!statement) {
      statement = compile(sql);
      compiled.set(sql, statement);
    }
    return statement;
  }) as Db['prepare'];
}
