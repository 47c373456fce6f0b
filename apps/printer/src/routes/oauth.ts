/**
 * @module routes/oauth
 *
 * The Client's two ends of the Authorization Code flow:
 * - `POST /import` (step 2): send the browser to the authorization endpoint with a fresh request.
 * - `GET /callback` (steps 4-6): the redirect_uri; see oauth/callback.ts for the order of the checks.
 * - `POST /disconnect`: forget the tokens (and revoke them at the auth server, RFC 7009, when it offers that).
 */
import { Router } from 'express';
import { csrfToken, verifyCsrf } from '@oauth-demo/web';
import type { AppContext } from '../context.js';
import { buildAuthorizationRequest, rememberPending } from '../oauth/authorization_request.js';
import { handleCallback } from '../oauth/callback.js';
import type { Connection } from '../oauth/connection.js';
import { revokeConnection } from '../oauth/revocation.js';
import { regenerateSession } from './session_helpers.js';

export function oauthRoutes(ctx: AppContext): Router {
  const router = Router();

  router.post('/import', verifyCsrf, async (req, res) => {
    const metadata = await ctx.metadata.get(); // 503 / 502 page when the auth server is down or not the one we trust
    const request = buildAuthorizationRequest(metadata, ctx.config.client);
    req.session.pendingAuthorizations = rememberPending(req.session.pendingAuthorizations, request.pending);
    // 303 See Other: the browser follows with a GET. Never 307, which would re-POST the form (RFC 9700 §4.12).
    res.redirect(303, request.url);
  });

  router.get('/callback', async (req, res) => {
    const metadata = await ctx.metadata.get();
    const result = await handleCallback(req, metadata, ctx.tokenEndpoint);
    if (result.outcome === 'denied') {
      // 200: the request to the printer was fine and the flow ended the way the user chose; this is the
      // outcome page, not a fault (a 4xx would tell tools and learners that something was broken).
      res.render('denied', {
        title: 'You said no',
        activeSteps: [4],
        description: result.description,
        csrf: csrfToken(req),
      });
      return;
    }
    const { tokens } = result;
    // Connected. A new session id from now on (session fixation, OWASP ASVS V3.2): an attacker who planted a
    // session cookie in this browser before the flow does not share the session that now holds the tokens.
    const keep = { browserKey: req.session.browserKey };
    await regenerateSession(req);
    if (keep.browserKey) req.session.browserKey = keep.browserKey;
    const connection: Connection = { ...tokens, issuer: metadata.issuer, connectedAt: Date.now(), refreshCount: 0 };
    req.session.connection = connection;
    req.session.justConnected = {
      requestedScope: ctx.config.client.scope,
      grantedScope: tokens.scope,
      refreshToken: tokens.refresh_token !== undefined,
    };
    res.redirect(303, '/photos');
  });

  router.post('/disconnect', verifyCsrf, async (req, res) => {
    const connection = req.session.connection;
    delete req.session.connection;
    delete req.session.justConnected;
    const revoked = connection ? await revokeConnection(ctx.tokenEndpoint, connection) : false;
    req.session.notice = {
      kind: 'good',
      text: `Photo Printer has forgotten your Drive tokens${revoked ? ' and the auth server has revoked them (RFC 7009)' : ''}. Your orders are kept.`,
    };
    res.redirect(303, '/');
  });

  return router;
}
