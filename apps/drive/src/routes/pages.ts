/**
 * @module routes/pages
 *
 * Drive's own home page, for the people in the story: what the drive is, which role it plays, and how its
 * API is protected. It shows no one's photos: those are only for a request with an access token. It links
 * Drive's own web app (routes/web_app.ts), where a user signs in with the Password grant.
 */
import { Router } from 'express';
import type { DriveConfig } from '../config.js';
import { GALLERY_READ, PHOTOS_READ } from './api.js';
import { resourceMetadataUrl } from './metadata.js';

export function pagesRouter(config: DriveConfig): Router {
  const router = Router();

  router.get('/', (_req, res) => {
    res.render('index', {
      title: 'Drive',
      // No step bar: this page is in no flow. It explains step 8, which every grant ends with.
      publicUrl: config.publicUrl,
      issuer: config.issuer,
      printerUrl: config.printerUrl,
      metadataUrl: resourceMetadataUrl(config),
      scope: PHOTOS_READ,
      galleryScope: GALLERY_READ,
      // 'jwt' or 'introspection': the page explains the mode in use (never any secret of it).
      validation: config.tokenValidation.mode,
    });
  });

  return router;
}
