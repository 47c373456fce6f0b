/**
 * @module routes/api
 *
 * The protected resources, mounted at `/api`.
 *
 * Each user's photos: every route needs an access token with the `photos.read` scope, and a token only ever
 * opens its own resource owner's photos.
 *
 *   GET /api/photos              the token owner's photos (metadata)
 *   GET /api/photos/:id          one photo's metadata
 *   GET /api/photos/:id/content  the image itself
 *
 * A photo that does not exist and a photo of another user get the same 404: a token cannot learn that
 * someone else's photo id is real.
 *
 * The public sample gallery (test prints that belong to no user): every route needs the `gallery.read`
 * scope, whoever the token's subject is. It is what Photo Printer's print lab reads with a token it got for
 * itself (Client Credentials, RFC 6749 §4.4): that token has `gallery.read` and not `photos.read`, so the
 * photo routes above refuse it with 403 insufficient_scope.
 *
 *   GET /api/gallery              the test prints (metadata)
 *   GET /api/gallery/:id          one test print's metadata
 *   GET /api/gallery/:id/content  the image itself
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Request, type Response, Router } from 'express';
import { NotFound } from '@oauth-demo/tokens';
import { noStore } from '@oauth-demo/web';
import type { DriveConfig } from '../config.js';
import {
  type Db,
  findGalleryItem,
  findPhotoOf,
  type GalleryRecord,
  listGallery,
  listPhotosOf,
  type PhotoRecord,
} from '../db.js';
import { requireAccessToken, resourceOwnerOf, verifiedToken } from '../middleware/require_token.js';
import { ensureOwnerPhotos, galleryDir, photosDir } from '../photos/seed.js';
import type { TokenValidator } from '../token_validator.js';

/** The scope of the users' photos (RFC 6749 §3.3; its meaning is shown on the consent screen). */
export const PHOTOS_READ = 'photos.read';

/** The scope of the public sample gallery: test prints that belong to no user. */
export const GALLERY_READ = 'gallery.read';

/** Every scope the drive's API honours (RFC 9728 `scopes_supported`). */
export const DRIVE_SCOPES = [PHOTOS_READ, GALLERY_READ] as const;

export interface PhotoJson {
  id: string;
  title: string;
  taken_on: string;
  width: number;
  height: number;
  content_type: string;
  /** This photo's metadata. */
  href: string;
  /** The image bytes: needs the same bearer token. */
  content_url: string;
}

/** A test print of the sample gallery: like a photo, without an owner or a date. */
export interface GalleryItemJson {
  id: string;
  title: string;
  width: number;
  height: number;
  content_type: string;
  href: string;
  content_url: string;
}

export interface ApiContext {
  config: DriveConfig;
  db: Db;
  validator: TokenValidator;
}

export function apiRouter({ config, db, validator }: ApiContext): Router {
  const router = Router();
  const dir = photosDir(config.dataDir);
  const testPrintsDir = galleryDir(config.dataDir);

  // Personal data: no cache (browser, proxy) may keep a copy (RFC 9111 §5.2.2.5). Errors included.
  router.use(noStore);

  const canViewPhotos = requireAccessToken(validator, PHOTOS_READ);
  const canViewGallery = requireAccessToken(validator, GALLERY_READ);

  // Links use the drive's PUBLIC URL: a client (or a browser) follows them from the outside.
  const toJson = (photo: PhotoRecord): PhotoJson => ({
    id: photo.id,
    title: photo.title,
    taken_on: photo.taken_on,
    width: photo.width,
    height: photo.height,
    content_type: photo.content_type,
    href: `${config.publicUrl}/api/photos/${photo.id}`,
    content_url: `${config.publicUrl}/api/photos/${photo.id}/content`,
  });

  /** The photo if the token's resource owner owns it; the same 404 otherwise. */
  const photoOfTokenOwner = (res: Response, id: string): PhotoRecord => {
    const owner = resourceOwnerOf(verifiedToken(res));
    const photo = owner === null ? undefined : findPhotoOf(db, owner, id);
    if (!photo) throw new NotFound();
    return photo;
  };

  router.get('/photos', canViewPhotos, (_req, res) => {
    const owner = resourceOwnerOf(verifiedToken(res));
    // A token with no user (client credentials) owns nothing: an empty list, and `owner: null`. A user Drive has
    // not met yet (a learner who joined the class) gets photos of their own first (photos/seed.ts).
    if (owner !== null) ensureOwnerPhotos(db, config.dataDir, owner);
    const photos = owner === null ? [] : listPhotosOf(db, owner);
    res.json({ owner, photos: photos.map(toJson) });
  });

  router.get('/photos/:id', canViewPhotos, (req: Request<{ id: string }>, res: Response) => {
    res.json(toJson(photoOfTokenOwner(res, req.params.id)));
  });

  router.get('/photos/:id/content', canViewPhotos, async (req: Request<{ id: string }>, res: Response) => {
    const photo = photoOfTokenOwner(res, req.params.id);
    await sendImage(res, dir, photo, `photo ${photo.id}`);
  });

  const galleryJson = (item: GalleryRecord): GalleryItemJson => ({
    id: item.id,
    title: item.title,
    width: item.width,
    height: item.height,
    content_type: item.content_type,
    href: `${config.publicUrl}/api/gallery/${item.id}`,
    content_url: `${config.publicUrl}/api/gallery/${item.id}/content`,
  });

  const galleryItem = (id: string): GalleryRecord => {
    const item = findGalleryItem(db, id);
    if (!item) throw new NotFound();
    return item;
  };

  // The gallery belongs to no one: any token with gallery.read may read it, whoever its subject is (a client
  // acting for itself included). It opens nothing else: the routes above still need photos.read.
  router.get('/gallery', canViewGallery, (_req, res) => {
    res.json({ photos: listGallery(db).map(galleryJson) });
  });

  router.get('/gallery/:id', canViewGallery, (req: Request<{ id: string }>, res: Response) => {
    res.json(galleryJson(galleryItem(req.params.id)));
  });

  router.get('/gallery/:id/content', canViewGallery, async (req: Request<{ id: string }>, res: Response) => {
    const item = galleryItem(req.params.id);
    await sendImage(res, testPrintsDir, item, `test print ${item.id}`);
  });

  return router;
}

/**
 * Send one of our image files. The file name comes from our database, never from the request: no path
 * traversal possible. Also used by the drive's own web app (routes/web_app.ts).
 */
export async function sendImage(
  res: Response,
  dir: string,
  image: { file_name: string; content_type: string },
  what: string,
): Promise<void> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, image.file_name));
  } catch (err) {
    console.error(`drive: the file of ${what} cannot be read`, err);
    throw new NotFound();
  }
  res.type(image.content_type);
  res.set('Content-Disposition', `inline; filename="${image.file_name}"`);
  // An SVG is a document that could carry script. Ours do not, but served bytes get no powers anyway: when
  // opened directly, nothing may load or run, and it is sandboxed like a foreign origin.
  res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
  res.send(bytes);
}
