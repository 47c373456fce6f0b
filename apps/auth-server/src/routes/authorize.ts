/**
 * @module routes/authorize
 *
 * The authorization endpoint, RFC 6749 §3.1 and §4.1.1 (step 2 of the notes: the client asks the authorization
 * server, through the user's browser). The request is validated, kept in the session under a fresh
 * interaction id, and the user is sent on to sign in and decide (routes/interaction.ts).
 */
import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import { authorizationRequestKey, describeExchange } from '@oauth-demo/teaching';
import { validateAuthorizationRequest, verifyClientAndRedirectUri } from '../authorize/authorization_request.js';
import type { AuthContext } from '../context.js';

/** How many authorization requests one browser may have pending at once; the oldest is dropped first. */
const MAX_PENDING = 5;

export function authorizeRouter({ clients, config, recorder }: AuthContext): Router {
  const router = Router();

  router.get('/authorize', (req, res) => {
    const params = req.query as Record<string, unknown>;
    // A registered client named by the request: if its redirect_uri is wrong, the error page offers its home page
    // (from its REGISTERED redirect_uri), never the unverified one (RFC 6749 §4.1.2.1; errors.ts).
    const named = typeof params.client_id === 'string' ? clients.find(params.client_id) : undefined;
    if (named) res.locals.namedClient = named;
    // If this request is refused (errors.ts), it is filed under a key the client can name when it asks for its
    // flow's recordings: no code will ever link it (routes/recordings.ts). A key already joined to a flow is not
    // filed under again: the same client_id and state typed by another learner must not land in that flow.
    if (typeof params.client_id === 'string' && typeof params.state === 'string' && params.state !== '') {
      const key = `authorize:${authorizationRequestKey(config.traceSecret, params.client_id, params.state)}`;
      if (!recorder.isLinked(key)) res.locals.refusedAuthorizationKey = key;
    }
    const { client, redirect } = verifyClientAndRedirectUri(params, clients);
    // From here on, errors may be sent back to the client (see errors.ts).
    res.locals.verifiedRedirect = redirect;
    const request = validateAuthorizationRequest(params, client, redirect);

    const id = randomBytes(16).toString('base64url');
    const pending = { ...(req.session.pending ?? {}), [id]: { ...request, createdAt: Date.now() } };
    const ids = Object.keys(pending);
    for (const old of ids.slice(0, Math.max(0, ids.length - MAX_PENDING))) delete pending[old];
    req.session.pending = pending;
    describeExchange(res, {
      key: `interaction:${id}`,
      from: 'browser',
      channel: 'front',
      step: 2,
      label: `Authorization request (response_type=${request.response_type})`,
    });
    res.redirect(303, `/interaction/${id}`);
  });

  return router;
}
