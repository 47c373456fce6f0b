/**
 * @module routes/photos
 *
 * Steps 7-8 on screen: Photo Printer calls Drive with the access token and shows what Drive let it see.
 * - `GET /photos`: the owner's photos, with the order form. Right after an import it is that flow's last step; any
 *   later visit is a small flow of its own (kind `photos`: steps 7-8 with the token Photo Printer holds), so every
 *   call to Drive with a token is on the timeline, in exactly one flow.
 * - `GET /photos/:id/image`: a thumbnail, fetched from Drive with the token and passed on. The browser never
 *   talks to Drive's API itself: it has no token, and must not have one.
 */
import { type Request, type Response, Router } from 'express';
import { NotFound } from '@oauth-demo/tokens';
import { csrfToken } from '@oauth-demo/web';
import {
  activeTrace,
  describeExchange,
  findTrace,
  runInTrace,
  startTrace,
  stepBar,
  traceEndedDuring,
} from '@oauth-demo/teaching';
import type { AppContext } from '../context.js';
import type { JustConnected } from '../session_data.js';
import { PHOTO_ID, type PhotoList } from '../drive_client.js';
import { currentConnection, refreshReason, withAccessToken } from '../oauth/connection.js';
import { MAX_COPIES, type OrderForm, PRINT_SIZES } from '../orders.js';
import { sendImage } from './images.js';

export function photosRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/photos', async (req, res) => {
    const before = currentConnection(req); // not connected: home, with a notice (NotConnected); no flow started
    // The import's finishing page (its callback just connected, its flow still runs) is steps 7-8 of that flow.
    // Any other visit starts its own flow, numbered like the re-orders, so the import's flow is never re-opened.
    const finishingImport = req.session.justConnected !== undefined && activeTrace(req) !== undefined;
    const visit = finishingImport
      ? undefined
      : startTrace(
          req,
          'photos',
          `Your photos ${(req.session.traces ?? []).filter((t) => t.label.startsWith('Your photos ')).length + 1}`,
        );
    // No step number: your click only makes the client need the API again (as "Re-order").
    if (visit)
      describeExchange(res, { key: visit.id, from: 'browser', channel: 'front', label: 'You open “Your photos”' });
    const list = await withAccessToken(req, ctx.tokenEndpoint, (token) => ctx.drive.listPhotos(token));
    const filed = visit && req.session.traces?.find((t) => t.id === visit.id);
    if (filed && currentConnection(req).refreshCount > before.refreshCount) {
      // The access token had expired: the Refresh Token grant's steps 5-6 came first (RFC 6749 §6).
      filed.kind = 'refresh_token';
      filed.label = `${filed.label}: ${refreshReason(currentConnection(req).lastRotation)}, refreshed (new tokens)`;
    }
    const justConnected = req.session.justConnected;
    delete req.session.justConnected;
    const refused = req.session.refusedOrder;
    delete req.session.refusedOrder;
    renderPhotos(req, res, ctx, list, {
      justConnected,
      form: refused?.form ?? { photoIds: [], size: '4x6', copies: '1' },
      errors: refused?.errors ?? [],
    });
  });

  router.get('/photos/:id/image', async (req, res) => {
    const id = req.params.id;
    if (!PHOTO_ID.test(id)) throw new NotFound('There is no such photo.');
    // A thumbnail of the page that finished a flow (?flow=, see renderPhotos) is part of that flow: steps 7-8 again.
    // Any other load of it belongs to no flow.
    const flow = typeof req.query.flow === 'string' && req.query.flow ? findTrace(req, req.query.flow) : undefined;
    const image = await runInTrace(
      flow?.id,
      () => withAccessToken(req, ctx.tokenEndpoint, (token) => ctx.drive.getContent(token, id)),
      { evenIfEnded: true },
    );
    sendImage(res, image.bytes, image.contentType);
  });

  return router;
}

export interface PhotosPageState {
  justConnected?: JustConnected | undefined;
  form: OrderForm;
  errors: string[];
}

/** Also used by POST /orders to show a refused form again, as it was sent. */
export function renderPhotos(
  req: Request,
  res: Response,
  ctx: AppContext,
  list: PhotoList,
  state: PhotosPageState,
  status = 200,
): void {
  const connection = currentConnection(req);
  res.status(status).render('photos', {
    title: `${list.owner}'s photos`,
    stepBar: stepBar('authorization_code', [7, 8]),
    owner: list.owner,
    photos: list.photos,
    connection: {
      scope: connection.scope,
      expiresAt: connection.expiresAt,
      hasRefreshToken: connection.refresh_token !== undefined,
      refreshCount: connection.refreshCount,
      refreshedAt: connection.refreshedAt,
      lastRotation: connection.lastRotation,
    },
    justConnected: state.justConnected,
    // This page finished a flow (Drive's answer was its last step): its thumbnails are loaded as part of it.
    flow: traceEndedDuring(req),
    form: state.form,
    errors: state.errors,
    sizes: PRINT_SIZES,
    maxCopies: MAX_COPIES,
    csrf: csrfToken(req),
    drivePublicUrl: ctx.config.drive.publicUrl,
  });
}
