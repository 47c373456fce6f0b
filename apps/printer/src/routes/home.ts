/**
 * @module routes/home
 *
 * `GET /`: step 1 starts here. The page names the five terms of the notes and shows who plays each.
 */
import { Router } from 'express';
import { csrfToken } from '@oauth-demo/web';
import { stepBar } from '@oauth-demo/teaching';
import type { AppContext } from '../context.js';
import { ANONYMOUS_NOTICES } from './session_helpers.js';

export function homeRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/', (req, res) => {
    const named = typeof req.query.notice === 'string' ? req.query.notice : '';
    const notice =
      req.session.notice ??
      (Object.hasOwn(ANONYMOUS_NOTICES, named)
        ? ANONYMOUS_NOTICES[named as keyof typeof ANONYMOUS_NOTICES]
        : undefined);
    delete req.session.notice;
    const connection = req.session.connection;
    res.render('home', {
      title: 'Print your Drive photos',
      stepBar: stepBar('authorization_code', [1]),
      csrf: csrfToken(req),
      notice,
      connected: connection !== undefined,
      connection,
      hasOrders: ctx.orders.listForBrowser(req.session.browserKey).length > 0,
      drivePublicUrl: ctx.config.drive.publicUrl,
      authPublicUrl: ctx.config.auth.publicUrl,
    });
  });

  return router;
}
