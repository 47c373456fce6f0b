/**
 * @module db
 *
 * What the drive remembers across a restart (docs/design.md, Persistence): each photo's metadata. The image
 * itself is a file under `<DATA_DIR>/photos/`; the row names that file.
 *
 * Ownership is enforced in the queries themselves: every lookup that serves a user takes the owner as a
 * parameter, so "a user's token reads that user's photos only" (docs/security.md §R5) cannot be forgotten by a route.
 *
 * The public sample gallery (test prints for Photo Printer's print lab, scope `gallery.read`) belongs to no
 * user, and lives in a table of its own, `gallery`, which has no owner column at all. Not `owner IS NULL` in
 * `photos`, and not a reserved owner name such as 'gallery' in it: a reserved name could one day be a
 * username (and `sub` of that user's tokens), and a nullable owner would put "belongs to nobody" one
 * forgotten `WHERE` away from "belongs to everybody". With two tables, no query for a user's photos can
 * return a test print, and no gallery query can return anyone's photo; the two never share a code path.
 *
 * Sessions of Drive's own web app (the password-grant sign-in, cookie `drive.sid`) are in this database too,
 * in the `sessions` table that @oauth-demo/web's session store creates for itself.
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
  `CREATE TABLE gallery (
     id TEXT PRIMARY KEY,              -- a stable slug, e.g. 'colour-calibration-chart': the gallery is public, nothing to hide
     title TEXT NOT NULL,
     description TEXT NOT NULL,        -- what the test print is for
     width INTEGER NOT NULL,
     height INTEGER NOT NULL,
     content_type TEXT NOT NULL,
     file_name TEXT NOT NULL UNIQUE,   -- under <DATA_DIR>/gallery/, never taken from a request
     position INTEGER NOT NULL,        -- the order the gallery is listed in
     created_at INTEGER NOT NULL
   );`,
  // Resource owners Drive has met (photos/seed.ts ensureOwnerPhotos): a learner who joined the class gets photos
  // of their own on first sight, once, even if they later have none.
  `CREATE TABLE owners (
     owner TEXT PRIMARY KEY,           -- the access token's sub
     first_seen INTEGER NOT NULL       -- unix seconds
   );
   INSERT OR IGNORE INTO owners (owner, first_seen) SELECT DISTINCT owner, min(created_at) FROM photos GROUP BY owner;`,
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

/** One test print of the public sample gallery: it has no owner (see the module comment). */
export interface GalleryRecord {
  id: string;
  title: string;
  description: string;
  width: number;
  height: number;
  content_type: string;
  file_name: string;
  position: number;
  created_at: number;
}

export function listGallery(db: Db): GalleryRecord[] {
  return db.prepare('SELECT * FROM gallery ORDER BY position, id').all() as GalleryRecord[];
}

export function findGalleryItem(db: Db, id: string): GalleryRecord | undefined {
  return db.prepare('SELECT * FROM gallery WHERE id = ?').get(id) as GalleryRecord | undefined;
}

export function countGallery(db: Db): number {
  return (db.prepare('SELECT COUNT(*) AS n FROM gallery').get() as { n: number }).n;
}

export function insertGalleryItem(db: Db, item: GalleryRecord): void {
  db.prepare(
    `INSERT INTO gallery (id, title, description, width, height, content_type, file_name, position, created_at)
     VALUES (@id, @title, @description, @width, @height, @content_type, @file_name, @position, @created_at)`,
  ).run(item);
}
