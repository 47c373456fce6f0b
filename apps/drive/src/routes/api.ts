/**
 * @module routes/api
 *
 * The protected resources: each user's photos. Mounted at `/api`. Every route needs an access token with
 * the `photos.read` scope, and a token only ever opens its own resource owner's photos.
 *
 *   GET /api/photos              the token owner's photos (metadata)
 *   GET /api/photos/:id          one photo's metadata
 *   GET /api/photos/:id/content  the image itself
 *
 * A photo that does not exist and a photo of another user get the same 404: a token cannot learn that
 * someone else's photo id is real.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Request, type Response, Router } from 'express';
import { NotFound } from '@oauth-demo/tokens';
import { noStore } from '@oauth-demo/web';
import type { DriveConfig } from '../config.js';
import { type Db, findPhotoOf, listPhotosOf, type PhotoRecord } from '../db.js';
import { requireAccessToken, resourceOwnerOf, verifiedToken } from '../middleware/require_token.js';
import { photosDir } from '../photos/seed.js';
import type { TokenValidator } from '../token_validator.js';

/** The one scope the drive's API knows (RFC 6749 §3.3; its meaning is shown on the consent screen). */
export const PHOTOS_READ = 'photos.read';

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

export interface ApiContext {
  config: DriveConfig;
  db: Db;
  validator: TokenValidator;
}

export function apiRouter({ config, db, validator }: ApiContext): Router {
  const router = Router();
  const dir = photosDir(config.dataDir);

  // Personal data: no cache (browser, proxy) may keep a copy (RFC 9111 §5.2.2.5). Errors included.
  router.use(noStore);

  const canViewPhotos = requireAccessToken(validator, PHOTOS_READ);

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
    // A token with no user (client credentials) owns nothing: an empty list, and `owner: null`.
    const photos = owner === null ? [] : listPhotosOf(db, owner);
    res.json({ owner, photos: photos.map(toJson) });
  });

  router.get('/photos/:id', canViewPhotos, (req: Request<{ id: string }>, res: Response) => {
    res.json(toJson(photoOfTokenOwner(res, req.params.id)));
  });

  router.get('/photos/:id/content', canViewPhotos, async (req: Request<{ id: string }>, res: Response) => {
    const photo = photoOfTokenOwner(res, req.params.id);
    let bytes: Buffer;
    try {
      // The file name comes from our database, never from the request: no path traversal possible.
      bytes = await readFile(join(dir, photo.file_name));
    } catch (err) {
      console.error(`drive: the file of photo ${photo.id} cannot be read`, err);
      throw new NotFound();
    }
    res.type(photo.content_type);
    res.set('Content-Disposition', `inline; filename="${photo.file_name}"`);
    // An SVG is a document that could carry script. Ours do not, but served bytes get no powers anyway: when
    // opened directly, nothing may load or run, and it is sandboxed like a foreign origin.
    res.set('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; sandbox");
    res.send(bytes);
  });

  return router;
}
