/**
 * @module db
 *
 * What the drive remembers across a restart (DESIGN.md, Persistence): each photo's metadata. The image
 * itself is a file under `<DATA_DIR>/photos/`; the row names that file.
 *
 * Ownership is enforced in the queries themselves: every lookup that serves a user takes the owner as a
 * parameter, so "a user's token reads that user's photos only" (SECURITY.md) cannot be forgotten by a route.
 */
import { openDatabase, type Db } from '@oauth-demo/web';

export type { Db } from '@oauth-demo/web';

const MIGRATIONS = [
  `CREATE TABLE photos (
     id TEXT PRIMARY KEY,              -- random UUID: ids reveal nothing and cannot be enumerated
     owner TEXT NOT NULL,              -- the resource owner: the access token's sub (RFC 9068 §2.2), e.g. 'alice'
     title TEXT NOT NULL,
     taken_on TEXT NOT NULL,           -- YYYY-MM-DD
     width INTEGER NOT NULL,
     height INTEGER NOT NULL,
     content_type TEXT NOT NULL,       -- e.g. image/svg+xml
     file_name TEXT NOT NULL UNIQUE,   -- under <DATA_DIR>/photos/, never taken from a request
     created_at INTEGER NOT NULL       -- unix seconds
   );
   CREATE INDEX photos_by_owner ON photos(owner, taken_on);`,
];

export function openDriveDatabase(file: string): Db {
  return openDatabase(file, MIGRATIONS);
}

export interface PhotoRecord {
  id: string;
  owner: string;
  title: string;
  taken_on: string;
  width: number;
  height: number;
  content_type: string;
  file_name: string;
  created_at: number;
}

/** One owner's photos, oldest first. */
export function listPhotosOf(db: Db, owner: string): PhotoRecord[] {
  return db.prepare('SELECT * FROM photos WHERE owner = ? ORDER BY taken_on, title').all(owner) as PhotoRecord[];
}

/**
 * One photo, only if `owner` owns it. A photo that exists but belongs to someone else is answered exactly
 * like one that does not exist, so a token cannot even learn that another user's photo id is real.
 */
export function findPhotoOf(db: Db, owner: string, id: string): PhotoRecord | undefined {
  return db.prepare('SELECT * FROM photos WHERE id = ? AND owner = ?').get(id, owner) as PhotoRecord | undefined;
}

export function countPhotos(db: Db): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM photos').get() as { n: number }).n;
}

export function insertPhoto(db: Db, photo: PhotoRecord): void {
  db.prepare(
    `INSERT INTO photos (id, owner, title, taken_on, width, height, content_type, file_name, created_at)
     VALUES (@id, @owner, @title, @taken_on, @width, @height, @content_type, @file_name, @created_at)`,
  ).run(photo);
}
