/**
 * @module routes/teaching/doctor
 *
 * `GET /doctor`, the environment doctor: how a learner debugs their own deployment (natively, in docker-compose,
 * behind a proxy). The diagnosis is @oauth-demo/teaching's (doctor.ts); this page hands it the printer's URLs and
 * what this request shows (host, https, cookie names, the iss of the session's access token).
 */
import { Router } from 'express';
import { cookieNames, diagnose } from '@oauth-demo/teaching';
import { toInternalUrl } from '@oauth-demo/back-channel';
import type { AppContext } from '../../context.js';

export function doctorRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/doctor', async (req, res) => {
    const { auth, drive, printer } = ctx.config;
    const report = await diagnose(
      { auth, drive, printer, toInternalUrl },
      {
        host: req.host,
        secure: req.secure,
        cookieNames: cookieNames(req.headers.cookie),
        ...(req.session.connection ? { accessToken: req.session.connection.access_token } : {}),
      },
    );
    res.render('doctor', { title: 'Environment doctor', report });
  });

  return router;
}
