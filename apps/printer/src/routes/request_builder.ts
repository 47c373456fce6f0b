/**
 * @module routes/request_builder
 *
 * The request builder (issue 18 item 5): step 2 by hand.
 * - `GET /request-builder[?preset=…]`: the authorization request as form fields, prefilled with a correct request
 *   (or with one of the four mistakes applied), the URL shown as it is built (assets/request_builder.js).
 * - `POST /request-builder` (CSRF): Photo Printer sends the browser to the auth server's authorization endpoint
 *   with exactly the parameters of the form (303). Only to that endpoint: the learner chooses the query, never the
 *   place (no open redirector here).
 *
 * The state and code_verifier of the builder are made and kept here like those of Photo Printer's own requests
 * (oauth/authorization_request.ts). Sent with that state, the request joins this session's pending requests, so the
 * answer is checked by the callback like any other (oauth/callback.ts): a correct request completes, a mistake
 * comes back as the auth server's error. Sent with another state, the callback refuses the answer and says why.
 */
import { Router } from 'express';
import { csrfToken, verifyCsrf } from '@oauth-demo/web';
import { describeExchange, startTrace } from '@oauth-demo/teaching';
import type { AppContext } from '../context.js';
import {
  PENDING_AUTHORIZATION_TTL_MS,
  type PendingAuthorization,
  buildAuthorizationRequest,
  rememberPending,
} from '../oauth/authorization_request.js';
import {
  BUILDER_PARAMS,
  PARAM_MEANINGS,
  PRESETS,
  buildRequestUrl,
  correctFields,
  fieldsFromForm,
  findPreset,
} from '../oauth/request_builder.js';

export function requestBuilderRoutes(ctx: AppContext): Router {
  const router = Router();

  router.get('/request-builder', async (req, res) => {
    const metadata = await ctx.metadata.get(); // the authorization endpoint, from the auth server's metadata (RFC 8414)
    const now = Date.now();
    let pending = req.session.builderPending;
    if (!pending || now - pending.createdAt > PENDING_AUTHORIZATION_TTL_MS) {
      // A fresh state and verifier for this page, made like those of Photo Printer's own requests.
      pending = buildAuthorizationRequest(metadata, ctx.config.client, { now }).pending;
      req.session.builderPending = pending;
    }
    const preset = findPreset(req.query.preset) ?? PRESETS[0]!;
    const fields = preset.apply(correctFields(ctx.config.client, pending));
    res.render('request_builder', {
      title: 'Request builder',
      preset,
      presets: PRESETS,
      params: BUILDER_PARAMS,
      meanings: PARAM_MEANINGS,
      fields,
      endpoint: metadata.authorization_endpoint,
      url: buildRequestUrl(metadata.authorization_endpoint, fields),
      registeredRedirectUri: ctx.config.client.redirectUri,
      builderState: pending.state,
      csrf: csrfToken(req),
    });
  });

  router.post('/request-builder', verifyCsrf, async (req, res) => {
    const metadata = await ctx.metadata.get();
    const fields = fieldsFromForm(req.body as Record<string, unknown> | undefined);
    const url = buildRequestUrl(metadata.authorization_endpoint, fields);
    const trace = startTrace(req, 'authorization_code', 'Request builder: a hand-made authorization request');
    const pending = req.session.builderPending;
    const sentState = fields.state.include ? fields.state.value : undefined;
    const ours =
      pending !== undefined &&
      sentState === pending.state &&
      Date.now() - pending.createdAt <= PENDING_AUTHORIZATION_TTL_MS;
    if (ours) {
      // The state Photo Printer made for the builder: remember it with its verifier, as for our own requests, so the
      // answer is accepted (and the verifier sent in step 5). Used once: the next page makes a new one.
      const builderRequest: PendingAuthorization = {
        ...pending,
        builder: true,
        ...(fields.scope.include ? { requestedScope: fields.scope.value } : {}),
      };
      req.session.pendingAuthorizations = rememberPending(req.session.pendingAuthorizations, builderRequest);
      delete req.session.builderPending;
    } else if (sentState !== undefined) {
      // Not a state we made: the answer will be refused at the callback, and the callback can say why.
      req.session.builderForeignState = { state: sentState.slice(0, 200), createdAt: Date.now() };
    }
    describeExchange(res, {
      key: trace.id,
      from: 'browser',
      channel: 'front',
      step: 1,
      label: 'You send an authorization request you built by hand (request builder)',
      note: ours
        ? 'Step 2: Photo Printer sends your browser to the authorization endpoint with your parameters; it knows this state and keeps its code_verifier'
        : 'Step 2: Photo Printer sends your browser to the authorization endpoint with your parameters; it did not make this state, so it will refuse the answer',
    });
    // 303 See Other: the browser follows with a GET (RFC 9700 §4.12). Always to the auth server's endpoint.
    res.redirect(303, url);
  });

  return router;
}
