/**
 * @module routes/teaching/reset
 *
 * `POST /teaching/reset` (CSRF, instructor mode): Reset demo. The auth server forgets every grant, code, token and
 * session (it checks that the printer asks, with its secret), and the printer forgets every order and session.
 * Users, clients, signing keys and Drive's photos are the seed and stay.
 */
import { rmSync } from 'node:fs';
import { buildBasicAuthorization } from '@oauth-demo/tokens';
import { Router } from 'express';
import { ensurePrivateDir, verifyCsrf } from '@oauth-demo/web';
import type { AppContext } from '../../context.js';
import { InstructorModeRefused } from '../../errors.js';
import { isInstructor } from './locals.js';

export function resetRoutes(ctx: AppContext): Router {
  const router = Router();

  router.post('/teaching/reset', verifyCsrf, async (req, res) => {
    if (!isInstructor(req)) throw new InstructorModeRefused();
    const { clientId, clientSecret } = ctx.config.client;
    const answer = await ctx.backChannel.http.post(`${ctx.config.auth.internalUrl}/_demo/reset`, '', {
      headers: { authorization: buildBasicAuthorization(clientId, clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
      validateStatus: () => true,
    });
    if (answer.status !== 200) throw new Error(`the auth server refused the reset (HTTP ${answer.status})`);
    ctx.orders.forgetEverything();
    rmSync(ctx.ordersDir, { recursive: true, force: true });
    ensurePrivateDir(ctx.ordersDir);
    ctx.recorder.clear();
    req.session.destroy(() => res.redirect(303, '/'));
  });

  return router;
}
