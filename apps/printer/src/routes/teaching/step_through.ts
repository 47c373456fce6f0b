/**
 * @module routes/teaching/step_through
 *
 * Step-through mode's interstitials (@oauth-demo/teaching, step_through.ts): `GET /step` shows the paused hop,
 * `POST /step/continue` (CSRF) makes it.
 */
import type { Request } from 'express';
import { Router } from 'express';
import {
  CODE_LIFETIME_HINT_S,
  type CodeLifetimeSource,
  type Interstitial,
  STEP_HOP_TTL_MS,
  authorizeInterstitial,
  callbackInterstitial,
  describeExchange,
  driveInterstitial,
  stepBar,
  tokenInterstitial,
  tokensInterstitial,
} from '@oauth-demo/teaching';
import { CodeExpiredWhilePaused, TokenRequestFailed } from '../../errors.js';
import { csrfToken, verifyCsrf } from '@oauth-demo/web';
import type { AppContext } from '../../context.js';
import { checkCallback } from '../../oauth/callback.js';
import type { AuthServerMetadata } from '../../oauth/metadata.js';
import { exchangeAuthorizationCode } from '../../oauth/token_endpoint.js';
import { finishConnection, renderDenied } from '../oauth.js';
import { revealsSecrets } from './locals.js';
import { redirectHomeWithNotice } from '../session_helpers.js';

/**
 * How long the code of a paused flow lives: what the auth server publishes in its metadata, or, when it does not
 * (another auth server), the demo's default, shown as "about" (docs/design.md, "The Auth server": `demo_authorization_code_lifetime`).
 */
function codeLifetimeOf(metadata: AuthServerMetadata | undefined): CodeLifetimeSource {
  const published = metadata?.demo_authorization_code_lifetime;
  return published !== undefined
    ? { seconds: published, published: true }
    : { seconds: CODE_LIFETIME_HINT_S, published: false };
}

async function currentInterstitial(req: Request, ctx: AppContext): Promise<Interstitial | undefined> {
  const hop = req.session.stepHop;
  if (!hop || Date.now() - hop.createdAt > STEP_HOP_TTL_MS) return undefined;
  const reveal = revealsSecrets(req);
  if (hop.kind === 'authorize') return authorizeInterstitial(hop);
  // A pause must still show when the auth server is down: then the lifetime is the default one.
  const lifetime = () =>
    ctx.metadata
      .get()
      .then(codeLifetimeOf)
      .catch(() => codeLifetimeOf(undefined));
  if (hop.kind === 'callback')
    return callbackInterstitial(hop, ctx.config.client.redirectUri, reveal, Date.now(), await lifetime());
  if (hop.kind === 'tokens') return tokensInterstitial(hop, reveal);
  if (hop.kind === 'drive') {
    const token = req.session.connection?.access_token;
    return token ? driveInterstitial(token, `${ctx.config.drive.publicUrl}/api/photos`, reveal) : undefined;
  }
  const endpoint = `${ctx.config.auth.publicUrl}/token`;
  return tokenInterstitial(hop, ctx.config.client, endpoint, reveal, Date.now(), await lifetime());
}

export function stepThroughRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/step', async (req, res) => {
    const interstitial = await currentInterstitial(req, ctx);
    if (!interstitial) {
      redirectHomeWithNotice(req, res, 'no-paused-step');
      return;
    }
    res.render('step', {
      title: interstitial.heading,
      stepBar: stepBar('authorization_code', interstitial.steps, { refused: interstitial.refused }),
      step: interstitial,
      csrf: csrfToken(req),
    });
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
      if (traceId)
        describeExchange(res, {
          key: traceId,
          from: 'browser',
          channel: 'front',
          label: 'Continue (step-through): Photo Printer checks state and iss',
        });
      const checked = checkCallback(req, hop.query, metadata);
      if (checked.outcome === 'denied') {
        renderDenied(req, res, checked.description);
        return;
      }
      req.session.stepHop = {
        kind: 'token',
        code: checked.code,
        code_verifier: checked.code_verifier,
        createdAt: Date.now(),
        codeArrivedAt: hop.codeArrivedAt ?? hop.createdAt,
      };
      res.redirect(303, '/step');
      return;
    }
    if (hop.kind === 'tokens') {
      if (traceId)
        describeExchange(res, {
          key: traceId,
          from: 'browser',
          channel: 'front',
          label: 'Continue (step-through): Photo Printer keeps the tokens',
        });
      const { access_token, expiresAt, scope, refresh_token } = hop.tokens;
      await finishConnection(
        req,
        res,
        ctx,
        hop.issuer,
        { access_token, token_type: 'Bearer', expiresAt, scope, ...(refresh_token ? { refresh_token } : {}) },
        { pauseBeforeDrive: true },
      );
      return;
    }
    if (hop.kind === 'drive') {
      res.redirect(303, '/photos');
      return;
    }
    if (traceId)
      describeExchange(res, {
        key: traceId,
        from: 'browser',
        channel: 'front',
        label: 'Continue (step-through): Photo Printer sends the token request',
      });
    let tokens: Awaited<ReturnType<typeof exchangeAuthorizationCode>>;
    try {
      tokens = await exchangeAuthorizationCode(ctx.tokenEndpoint, hop.code, hop.code_verifier);
    } catch (error) {
      // The code's short lifetime at work (RFC 6749 §4.1.2: "a maximum authorization code lifetime of 10 minutes is
      // RECOMMENDED"; here AUTHORIZATION_CODE_TTL, published in the metadata): the pause was longer than the code
      // lives. Say so, and offer to start again.
      const pausedSeconds = Math.round((Date.now() - (hop.codeArrivedAt ?? hop.createdAt)) / 1000);
      const lifetime = codeLifetimeOf(metadata);
      if (error instanceof TokenRequestFailed && error.code === 'invalid_grant' && pausedSeconds >= lifetime.seconds)
        throw new CodeExpiredWhilePaused(pausedSeconds, lifetime, error.description);
      throw error;
    }
    // Step-through: show the token response (step 6) before keeping it.
    req.session.stepHop = {
      kind: 'tokens',
      issuer: metadata.issuer,
      createdAt: Date.now(),
      tokens: {
        access_token: tokens.access_token,
        token_type: tokens.token_type,
        expiresAt: tokens.expiresAt,
        scope: tokens.scope,
        ...(tokens.refresh_token ? { refresh_token: tokens.refresh_token } : {}),
      },
    };
    res.redirect(303, '/step');
  });

  return router;
}
