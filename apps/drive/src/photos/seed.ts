/**
 * @module photos/seed
 *
 * The demo's starting content: who owns which generated photo. On the first start (no photo in the database)
 * each scene is painted and written as a file under `<DATA_DIR>/photos/`, then all rows are inserted in one
 * transaction. A crash in between leaves no rows, so the next start simply seeds again (the file names are
 * fixed, so the files are overwritten, not duplicated).
 *
 * The public sample gallery (test prints, owned by no one) is seeded the same way, once, into its own table
 * and its own folder `<DATA_DIR>/gallery/` (db.ts explains why it is kept apart from the users' photos).
 */
import { randomUUID } from 'node:crypto';
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  countGallery,
  countPhotos,
  type Db,
  type GalleryRecord,
  insertGalleryItem,
  insertPhoto,
  type PhotoRecord,
} from '../db.js';
import { ensurePrivateDir } from '@oauth-demo/web';
import { renderScene, SCENES, type SceneDefinition } from './scenes.js';
import { TEST_PRINTS } from './calibration_prints.js';
import { scenesFor } from './own_scenes.js';
import { HEIGHT, WIDTH } from './svg.js';

const SVG_CONTENT_TYPE = 'image/svg+xml';

interface SeedPhoto {
  /** The resource owner: a username of the auth server, i.e. the `sub` of that user's access tokens. */
  owner: string;
  scene: SceneDefinition;
  takenOn: string;
}

/** alice has eight photos, bob four; no scene is shared, so a leak from one to the other is visible at once. */
export const SEED_PHOTOS: readonly SeedPhoto[] = [
  { owner: 'alice', scene: SCENES.mirrorLakeAtDawn, takenOn: '2025-06-14' },
  { owner: 'alice', scene: SCENES.alpineMeadowAtNoon, takenOn: '2025-07-02' },
  { owner: 'alice', scene: SCENES.quietBeach, takenOn: '2025-08-09' },
  { owner: 'alice', scene: SCENES.starsOverTheHills, takenOn: '2025-08-12' },
  { owner: 'alice', scene: SCENES.lighthouseOnTheCliffs, takenOn: '2025-09-03' },
  { owner: 'alice', scene: SCENES.autumnForestPath, takenOn: '2025-10-18' },
  { owner: 'alice', scene: SCENES.cityLightsAtDusk, takenOn: '2025-11-07' },
  { owner: 'alice', scene: SCENES.tulipFields, takenOn: '2026-04-21' },
  { owner: 'bob', scene: SCENES.harbourBoats, takenOn: '2025-05-30' },
  { owner: 'bob', scene: SCENES.hotAirBalloons, takenOn: '2025-07-26' },
  { owner: 'bob', scene: SCENES.northernLights, takenOn: '2026-01-15' },
  { owner: 'bob', scene: SCENES.snowyCabin, takenOn: '2026-02-08' },
];

export function photosDir(dataDir: string): string {
  return join(dataDir, 'photos');
}

export function galleryDir(dataDir: string): string {
  return join(dataDir, 'gallery');
}

/** Write a file under a temporary name, then rename it: a reader never sees half a file. */
function writeAtomically(path: string, content: string): void {
  writeFileSync(`${path}.tmp`, content);
  renameSync(`${path}.tmp`, path);
}

/** Paint one photo of a scene into the photos folder, and the row that describes it. */
function paintPhoto(dir: string, fileName: string, { owner, scene, takenOn }: SeedPhoto, now: number): PhotoRecord {
  writeAtomically(join(dir, fileName), renderScene(scene));
  return {
    id: randomUUID(),
    owner,
    title: scene.title,
    taken_on: takenOn,
    width: WIDTH,
    height: HEIGHT,
    content_type: SVG_CONTENT_TYPE,
    file_name: fileName,
    created_at: now,
  };
}

/** Seed the demo photos if the drive has none yet. Returns how many were created (0 when already seeded). */
export function seedPhotosIfEmpty(db: Db, dataDir: string): number {
  if (countPhotos(db) > 0) return 0;
  const dir = photosDir(dataDir);
  ensurePrivateDir(dir);
  const now = Math.floor(Date.now() / 1000);

  const rows = SEED_PHOTOS.map(({ owner, scene, takenOn }) =>
    paintPhoto(dir, `${owner}-${scene.slug}.svg`, { owner, scene, takenOn }, now),
  );

  // Checked again inside a write (IMMEDIATE) transaction: two processes starting at once seed only once.
  const seeded = db
    .transaction(() => {
      if (countPhotos(db) > 0) return false;
      for (const row of rows) insertPhoto(db, row);
      return true;
    })
    .immediate();
  return seeded ? rows.length : 0;
}

/** Seed the sample gallery if it is empty. Returns how many test prints were created (0 when already seeded). */
export function seedGalleryIfEmpty(db: Db, dataDir: string): number {
  if (countGallery(db) > 0) return 0;
  const dir = galleryDir(dataDir);
  ensurePrivateDir(dir);
  const now = Math.floor(Date.now() / 1000);

  const rows: GalleryRecord[] = TEST_PRINTS.map((print, position) => {
    const fileName = `${print.slug}.svg`;
    writeAtomically(join(dir, fileName), renderScene(print));
    return {
      id: print.slug,
      title: print.title,
      description: print.description,
      width: WIDTH,
      height: HEIGHT,
      content_type: SVG_CONTENT_TYPE,
      file_name: fileName,
      position,
      created_at: now,
    };
  });

  const seeded = db
    .transaction(() => {
      if (countGallery(db) > 0) return false;
      for (const row of rows) insertGalleryItem(db, row);
      return true;
    })
    .immediate();
  return seeded ? rows.length : 0;
}

/** How many photos Drive paints for a learner it has not met before (a learner who joined the class). */
export const NEW_OWNER_PHOTOS = 6;

/**
 * The owner's photos, after giving a resource owner Drive has never met (a learner who just joined the class on
 * the auth server, or Mallory of the attack lab) photos of their own (own_scenes.ts): a learner gets
 * NEW_OWNER_PHOTOS pictures titled with their name, Mallory her own; none is one of alice's or bob's, so whose
 * photos a page shows is clear. Only ever called with the `sub` of a verified access token, so only users the
 * auth server made (bounded by its MAX_USERS) get photos. File names are random, never the name.
 */
export function ensureOwnerPhotos(db: Db, dataDir: string, owner: string): void {
  const seen = db.prepare<[string], { owner: string }>('SELECT owner FROM owners WHERE owner = ?').get(owner);
  if (seen) return;
  const now = Math.floor(Date.now() / 1000);
  if (db.prepare('SELECT 1 FROM photos WHERE owner = ? LIMIT 1').get(owner)) {
    // alice and bob (seeded above): met now, nothing to paint.
    db.prepare('INSERT OR IGNORE INTO owners (owner, first_seen) VALUES (?, ?)').run(owner, now);
    return;
  }
  const dir = photosDir(dataDir);
  ensurePrivateDir(dir);
  const rows: PhotoRecord[] = scenesFor(owner).map((scene, i) => {
    const takenOn = new Date(Date.UTC(2025, 4 + i * 2, 3 + i * 4)).toISOString().slice(0, 10);
    return paintPhoto(dir, `${randomUUID()}.svg`, { owner, scene, takenOn }, now);
  });
  // Checked again in a write transaction: two first requests at once give the owner one set of photos.
  const written = db
    .transaction(() => {
      if (db.prepare('SELECT owner FROM owners WHERE owner = ?').get(owner)) return false;
      db.prepare('INSERT INTO owners (owner, first_seen) VALUES (?, ?)').run(owner, now);
      for (const row of rows) insertPhoto(db, row);
      return true;
    })
    .immediate();
  if (!written) for (const row of rows) rmSync(join(dir, row.file_name), { force: true });
}
