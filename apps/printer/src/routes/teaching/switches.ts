/**
 * @module routes/teaching/switches
 *
 * `POST /teaching` (CSRF): the switches, kept in the session: instructor mode, step-through mode.
 */
import { timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import { verifyCsrf } from '@oauth-demo/web';
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
      const keyOk = instructorKey === undefined || (key.length === instructorKey.length && timingSafeEqual(Buffer.from(key), Buffer.from(instructorKey)));
      if (!instructorModeOffered(ctx.config, req.ip) || !keyOk) throw new InstructorModeRefused();
      teaching.instructor = true;
    }
    if (body.stepThrough === 'on' || body.stepThrough === 'off') teaching.stepThrough = body.stepThrough === 'on';
    req.session.teaching = teaching;
    if (!teaching.stepThrough) delete req.session.stepHop;
    res.redirect(303, safeBack(body.back));
  });

  return router;
}
