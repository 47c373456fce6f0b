/**
 * @module routes/teaching/step_through
 *
 * Step-through mode's interstitials (@oauth-demo/teaching, step_through.ts): `GET /step` shows the paused hop,
 * `POST /step/continue` (CSRF) makes it.
 */
import type { Request } from 'express';
import { Router } from 'express';
import { type Interstitial, STEP_HOP_TTL_MS, authorizeInterstitial, callbackInterstitial, describeExchange, stepBar, tokenInterstitial } from '@oauth-demo/teaching';
import { csrfToken, verifyCsrf } from '@oauth-demo/web';
import type { AppContext } from '../../context.js';
import { checkCallback } from '../../oauth/callback.js';
import { exchangeAuthorizationCode } from '../../oauth/token_endpoint.js';
import { finishConnection, renderDenied } from '../oauth.js';
import { isInstructor } from './locals.js';

function currentInterstitial(req: Request, ctx: AppContext): Interstitial | undefined {
  const hop = req.session.stepHop;
  if (!hop || Date.now() - hop.createdAt > STEP_HOP_TTL_MS) return undefined;
  const reveal = isInstructor(req);
  if (hop.kind === 'authorize') return authorizeInterstitial(hop);
  if (hop.kind === 'callback') return callbackInterstitial(hop, ctx.config.client.redirectUri, reveal);
  const endpoint = `${ctx.config.auth.publicUrl}/token`;
  return tokenInterstitial(hop, ctx.config.client, endpoint, reveal);
}

export function stepThroughRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/step', (req, res) => {
    const interstitial = currentInterstitial(req, ctx);
    if (!interstitial) {
      req.session.notice = { kind: 'info', text: 'There is no paused step: start a flow with step-through mode on.' };
      res.redirect(303, '/');
      return;
    }
    res.render('step', { title: interstitial.heading, stepBar: stepBar('authorization_code', interstitial.steps, { refused: interstitial.refused }), step: interstitial, csrf: csrfToken(req) });
  });

  // A reload of the page the Continue button led to (the browser shows /step/continue): back to the paused step,
  // if any. Continuing itself is a POST with the form token.
  router.get('/step/continue', (_req, res) => {
    res.redirect(303, '/step');
  });

  router.post('/step/continue', verifyCsrf, async (req, res) => {
    const hop = req.session.stepHop;
    delete req.session.stepHop;
    if (!hop || Date.now() - hop.createdAt > STEP_HOP_TTL_MS || hop.kind === 'authorize') {
      req.session.notice = { kind: 'info', text: 'That paused step expired or was already continued. Start again.' };
      res.redirect(303, '/');
      return;
    }
    const metadata = await ctx.metadata.get();
    const traceId = req.session.traces?.at(-1)?.id;
    if (hop.kind === 'callback') {
      if (traceId) describeExchange(res, { key: traceId, from: 'browser', channel: 'front', label: 'Continue (step-through): Photo Printer checks state and iss' });
      const checked = checkCallback(req, hop.query, metadata);
      if (checked.outcome === 'denied') {
        renderDenied(req, res, checked.description);
        return;
      }
      req.session.stepHop = { kind: 'token', code: checked.code, code_verifier: checked.code_verifier, createdAt: Date.now() };
      res.redirect(303, '/step');
      return;
    }
    if (traceId) describeExchange(res, { key: traceId, from: 'browser', channel: 'front', label: 'Continue (step-through): Photo Printer sends the token request' });
    const tokens = await exchangeAuthorizationCode(ctx.tokenEndpoint, hop.code, hop.code_verifier);
    await finishConnection(req, res, ctx, metadata.issuer, tokens);
  });

  return router;
}
