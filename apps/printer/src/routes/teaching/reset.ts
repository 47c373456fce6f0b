/**
 * @module routes/teaching/reset
 *
 * Two resets, each asking for confirmation first and saying what it resets (issue 12 item 3):
 *
 * - `POST /start-over` (CSRF, anyone): a learner's own "Start over". This browser's tokens are revoked at the
 *   auth server (RFC 7009; revoking the refresh token ends the grant, so the consent screen comes back), its
 *   orders are forgotten, and its session ends. Nobody else's grants, tokens, orders or timelines are touched.
 * - `POST /teaching/reset` (CSRF, instructor mode): Reset class. The auth server forgets every grant, code,
 *   token and session (it checks that the printer asks, with its secret), and the printer forgets every order
 *   and session. Users, clients, signing keys and Drive's photos are the seed and stay.
 *
 * Without `confirm` in the form, each renders a page that says what will be reset, with the button that does it.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { buildBasicAuthorization } from '@oauth-demo/tokens';
import { Router } from 'express';
import { csrfToken, ensurePrivateDir, verifyCsrf } from '@oauth-demo/web';
import type { AppContext } from '../../context.js';
import { revokeConnection } from '../../oauth/revocation.js';
import { requireInstructor } from './locals.js';

export function resetRoutes(ctx: AppContext): Router {
  const router = Router();

  router.post('/start-over', verifyCsrf, async (req, res) => {
    if (req.body.confirm !== 'start-over') {
      res.render('confirm_reset', {
        title: 'Start over?',
        action: '/start-over',
        confirm: 'start-over',
        button: 'Yes, start over',
        what: [
          'Photo Printer’s tokens for your Drive are revoked at the auth server (RFC 7009), so the consent screen asks you again next time',
          'your orders on Photo Printer are forgotten',
          'this browser’s timeline and switches are cleared',
        ],
        kept: 'Only yours: the other learners’ grants, tokens, orders and timelines are not touched. Your account and your photos on Drive stay.',
        csrf: csrfToken(req),
      });
      return;
    }
    const connection = req.session.connection;
    if (connection) await revokeConnection(ctx.tokenEndpoint, connection);
    if (req.session.browserKey) {
      for (const id of ctx.orders.forgetBrowser(req.session.browserKey))
        rmSync(join(ctx.ordersDir, id), { recursive: true, force: true });
    }
    req.session.destroy(() => res.redirect(303, '/'));
  });

  router.post('/teaching/reset', verifyCsrf, async (req, res) => {
    requireInstructor(ctx, req);
    if (req.body.confirm !== 'reset-class') {
      res.render('confirm_reset', {
        title: 'Reset the whole class?',
        action: '/teaching/reset',
        confirm: 'reset-class',
        button: 'Yes, reset the class',
        what: [
          'every grant, authorization code, access and refresh token on the auth server, for every user (every learner’s consent screen comes back)',
          'every session on the auth server and on Photo Printer: everyone is signed out, including you',
          'every order on Photo Printer, and every timeline',
          'every learner’s completed exercises (the class board starts empty)',
        ],
        kept: 'Users (alice, bob and the learners who joined), registered apps, signing keys and Drive’s photos stay.',
        csrf: csrfToken(req),
      });
      return;
    }
    const { clientId, clientSecret } = ctx.config.client;
    const answer = await ctx.backChannel.http.post(`${ctx.config.auth.internalUrl}/_demo/reset`, '', {
      headers: {
        authorization: buildBasicAuthorization(clientId, clientSecret),
        'content-type': 'application/x-www-form-urlencoded',
      },
      validateStatus: () => true,
    });
    if (answer.status !== 200) throw new Error(`the auth server refused the reset (HTTP ${answer.status})`);
    ctx.orders.forgetEverything();
    ctx.exercises.forgetEverything();
    rmSync(ctx.ordersDir, { recursive: true, force: true });
    ensurePrivateDir(ctx.ordersDir);
    ctx.recorder.clear();
    req.session.destroy(() => res.redirect(303, '/'));
  });

  return router;
}
