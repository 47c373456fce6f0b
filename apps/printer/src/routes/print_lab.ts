/**
 * @module routes/print_lab
 *
 * The print lab (Client Credentials, RFC 6749 §4.4; steps 2, 6, 7, 8 of the notes):
 * - `GET /print-lab`: what the grant is, and the last run's results.
 * - `POST /print-lab` (CSRF): the printer, server side, gets a token for ITSELF, calls Drive's gallery with it,
 *   then tries the user photo API with the same token, and shows both answers (the second one is a refusal).
 * - `GET /print-lab/gallery/:id/image`: a gallery image, fetched with the print lab's token.
 */
import { Router } from 'express';
import { NotFound } from '@oauth-demo/tokens';
import { csrfToken, verifyCsrf } from '@oauth-demo/web';
import { describeExchange, findGrant, stepBar, startTrace } from '@oauth-demo/teaching';
import type { AppContext } from '../context.js';
import { PHOTO_ID } from '../drive_client.js';
import { DriveRefusedToken } from '../errors.js';
import { GALLERY_PATH, PHOTOS_PATH } from '../print_lab.js';
import { sendImage } from './images.js';

export function printLabRoutes(ctx: AppContext): Router {
  const router = Router();
  const grant = findGrant(ctx.config.drive.publicUrl, 'client_credentials');
  const lab = ctx.config.printLab;

  router.get('/print-lab', (req, res) => {
    res.render('print_lab', {
      title: 'Print lab: Client Credentials',
      stepBar: stepBar('client_credentials', grant.steps),
      grant,
      lab: { clientId: lab.clientId, scope: lab.scope },
      run: req.session.printLab,
      galleryPath: GALLERY_PATH,
      photosPath: PHOTOS_PATH,
      drivePublicUrl: ctx.config.drive.publicUrl,
      csrf: csrfToken(req),
    });
  });

  router.post('/print-lab', verifyCsrf, async (req, res) => {
    const trace = startTrace(req, 'client_credentials', 'The print lab (no user)');
    describeExchange(res, {
      key: trace.id,
      from: 'browser',
      channel: 'front',
      label: 'You ask the print lab to run (it acts as itself, not for you)',
    });
    req.session.printLab = await ctx.printLab.run();
    res.redirect(303, '/print-lab#results');
  });

  router.get('/print-lab/gallery/:id/image', async (req, res) => {
    const id = req.params.id;
    const item = PHOTO_ID.test(id) ? req.session.printLab?.gallery?.items?.find((i) => i.id === id) : undefined;
    if (!item?.content_url) throw new NotFound('The print lab has no such test print.');
    const photo = {
      id: item.id,
      title: item.title,
      content_type: item.content_type ?? 'image/svg+xml',
      content_url: item.content_url,
    };
    let image: Awaited<ReturnType<typeof ctx.drive.getContent>>;
    try {
      image = await ctx.drive.getContent(await ctx.printLab.accessToken(), photo);
    } catch (error) {
      if (!(error instanceof DriveRefusedToken && error.code === 'invalid_token')) throw error;
      // The kept token expired or was revoked: the print lab asks for a new one (no refresh token in this grant).
      ctx.printLab.forgetToken();
      image = await ctx.drive.getContent(await ctx.printLab.accessToken(), photo);
    }
    sendImage(res, image.bytes, image.contentType);
  });

  return router;
}
