/**
 * @module lab/loose_redirect
 *
 * The attack lab's copy of the authorization endpoint with ONE check loosened (scenario 3, RFC 9700 §4.1):
 * `GET /lab/loose-redirect/authorize` accepts a redirect_uri that merely STARTS WITH a registered one, as some
 * servers did. Everything else is the real endpoint's code (authorize/authorization_request.ts, routes/authorize.ts).
 * It serves the attack lab's copies of the printer only (lab/lab_clients.ts); for every other client it answers
 * like the real endpoint, with an error page. The real `/authorize` compares character for character
 * (docs/security.md §A1).
 */
import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import { InvalidClientId, InvalidRedirectUri, type ParamSource } from '@oauth-demo/tokens';
import { describeExchange } from '@oauth-demo/teaching';
import { validateAuthorizationRequest, verifyClientAndRedirectUri } from '../authorize/authorization_request.js';
import type { AuthContext } from '../context.js';
import { pkceOptional } from './lab_clients.js';

const LOOSE_AUTHORIZE_PATH = '/lab/loose-redirect/authorize';

export function looseRedirectRouter({ clients }: AuthContext): Router {
  const router = Router();

  router.get(LOOSE_AUTHORIZE_PATH, (req, res) => {
    const params = req.query as Record<string, unknown>;
    const clientId = typeof params.client_id === 'string' ? params.client_id : '';
    const asked = typeof params.redirect_uri === 'string' ? params.redirect_uri : '';
    const client = clients.find(clientId);
    if (!client || !pkceOptional(client))
      throw new InvalidClientId('This lab endpoint serves the attack lab’s copies of Photo Printer only.');
    // THE LOOSENED CHECK: a prefix of the registered URI is enough. (The real one: exact string equality.)
    const registered = client.redirect_uris.find((uri) => asked.startsWith(uri));
    if (!registered)
      throw new InvalidRedirectUri('Not even the start of this redirect_uri is registered for this application.');
    // The rest is the real validation, run on the registered URI, then pointed at the URI that was asked for.
    const verified = verifyClientAndRedirectUri({ ...params, redirect_uri: registered } as ParamSource, clients);
    const redirect = { ...verified.redirect, redirectUri: asked };
    res.locals.verifiedRedirect = redirect;
    const request = validateAuthorizationRequest(params as ParamSource, verified.client, redirect);

    const id = randomBytes(16).toString('base64url');
    const pending = { ...(req.session.pending ?? {}), [id]: { ...request, createdAt: Date.now() } };
    const ids = Object.keys(pending);
    for (const old of ids.slice(0, Math.max(0, ids.length - 5))) delete pending[old]; // bounded, as in routes/authorize.ts
    req.session.pending = pending;
    describeExchange(res, {
      key: `interaction:${id}`,
      from: 'browser',
      channel: 'front',
      step: 2,
      label: 'Authorization request at the attack lab’s loose endpoint (redirect_uri by prefix)',
    });
    res.redirect(303, `/interaction/${id}`);
  });

  return router;
}
