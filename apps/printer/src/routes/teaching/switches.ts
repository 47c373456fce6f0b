/**
 * @module routes/teaching/switches
 *
 * `POST /teaching` (CSRF): the switches, kept in the session: instructor mode, step-through mode.
 */
import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { presenterSwitchUrl, verifyCsrf } from '@oauth-demo/web';
import { instructorModeOffered } from '../../config.js';
import type { AppContext } from '../../context.js';
import { InstructorModeRefused } from '../../errors.js';

/** A same-site path to go back to after a switch (never another origin: no open redirect). */
function safeBack(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && value.length < 500 ? value : '/timeline';
}

export function switchesRoutes(ctx: AppContext): Router {
  const router = Router();

  router.post('/teaching', verifyCsrf, (req, res) => {
    const body = req.body as Record<string, unknown>;
    const teaching = { ...req.session.teaching };
    if (body.instructor === 'off') teaching.instructor = false;
    if (body.instructor === 'on') {
      // Instructor mode shows secrets: only where it is offered, and with the key when one is set.
      const { instructorKey } = ctx.config;
      const key = typeof body.key === 'string' ? body.key : '';
      const keyOk =
        instructorKey === undefined ||
        (key.length === instructorKey.length && timingSafeEqual(Buffer.from(key), Buffer.from(instructorKey)));
      if (!instructorModeOffered(ctx.config, req.ip) || !keyOk) throw new InstructorModeRefused();
      teaching.instructor = true;
    }
    if (body.stepThrough === 'on' || body.stepThrough === 'off') teaching.stepThrough = body.stepThrough === 'on';
    req.session.teaching = teaching;
    if (!teaching.stepThrough) delete req.session.stepHop;
    // Presenter view (packages/web/src/presenter.ts): offered in instructor mode, and off with it.
    const wasPresenter = req.session.presenter === true;
    if (body.presenter === 'on') {
      if (!teaching.instructor) throw new InstructorModeRefused();
      req.session.presenter = true;
    }
    if (body.presenter === 'off' || !teaching.instructor) delete req.session.presenter;
    // Secrets on the projector: asked for each time presenter view is on, forgotten with it.
    if (body.presenterSecrets === 'on' && req.session.presenter === true) req.session.presenterSecrets = true;
    if (body.presenterSecrets === 'off' || req.session.presenter !== true) delete req.session.presenterSecrets;
    const isPresenter = req.session.presenter === true;
    const back = safeBack(body.back);
    if (wasPresenter === isPresenter) return res.redirect(303, back);
    // The same switch on the auth server and on Drive: the browser passes once through each one's /presenter,
    // which keeps it in that service's session, then comes back here.
    const { printer, auth, drive } = ctx.config;
    const home = new URL(back, printer.publicUrl).href;
    res.redirect(
      303,
      presenterSwitchUrl(auth.publicUrl, isPresenter, presenterSwitchUrl(drive.publicUrl, isPresenter, home)),
    );
  });

  return router;
}
