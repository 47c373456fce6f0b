/**
 * @module routes/teaching/grants
 *
 * `GET /grants`: "Which grant when". Every grant of the notes' table (plus Refresh and the Device flow as
 * extensions), step by step against the notes' eight steps, with where to try each one in this demo and what
 * RFC 9700 says about it today.
 */
import { Router } from 'express';
import { NOTES_STEPS, grants } from '@oauth-demo/teaching';
import type { AppContext } from '../../context.js';

export function grantsRoutes(ctx: AppContext): Router {
  const router = Router();
  const all = grants(ctx.config.drive.publicUrl);

  router.get('/grants', (_req, res) => {
    res.render('grants', {
      title: 'Which grant when',
      // A comparison, not a flow: no step bar (each grant's page shows its own).
      grants: all,
      notesSteps: NOTES_STEPS,
      drivePublicUrl: ctx.config.drive.publicUrl,
    });
  });

  return router;
}
