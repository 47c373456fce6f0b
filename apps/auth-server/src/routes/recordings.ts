/**
 * @module routes/recordings
 *
 * What this server saw of one flow, for the printer's behind-the-scenes timeline. The trace id is the
 * capability: 128 random bits that only the learner's own printer session knows. Secrets are masked; the
 * printer may ask for them unmasked (instructor mode) by authenticating as itself.
 */
import { Router } from 'express';
import { InvalidClient, NotFound } from '@oauth-demo/tokens';
import { noStore } from '@oauth-demo/web';
import { isTraceId, maskExchange } from '@oauth-demo/teaching';
import { authenticateClient } from '../clients.js';
import type { AuthContext } from '../context.js';
import { backChannel } from './back_channel.js';

export function recordingsRouter({ recorder, clients, config, store, loginThrottle }: AuthContext): Router {
  const router = Router();
  router.get('/_demo/recordings/:traceId', noStore, (req, res) => {
    res.locals.jsonErrors = true;
    const traceId = String(req.params.traceId);
    if (!recorder.enabled || !isTraceId(traceId)) throw new NotFound('No such trace.');
    // Authorization requests of this flow that were refused (their error page, or the error redirect) were filed
    // under keys only the printer can compute (teaching authorizationRequestKey, keyed with TRACE_SECRET): it
    // names them here and they join the flow. A key already joined to a flow is moved no further.
    const named = req.query.authorize;
    for (const hint of [named].flat().slice(0, 4)) {
      if (typeof hint !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(hint)) continue;
      const key = `authorize:${hint}`;
      if (recorder.list(key).length > 0) recorder.link(key, traceId);
    }
    const exchanges = recorder.list(traceId);
    if (req.query.reveal === '1') {
      const client = authenticateClient(req, clients);
      if (client.client_id !== config.printerClientId)
        throw new InvalidClient('Only the printer may see unmasked recordings.', true);
      res.json({ exchanges });
      return;
    }
    res.json({ exchanges: exchanges.map(maskExchange) });
  });
  /**
   * Reset demo (instructor mode on the printer): forget every grant, code, token, device request and
   * session, so the next class starts from the seed. Users, clients and the signing key stay. Only the
   * printer may ask, authenticated with its secret.
   */
  router.post('/_demo/reset', backChannel, (req, res) => {
    const caller = authenticateClient(req, clients);
    if (caller.client_id !== config.printerClientId)
      throw new InvalidClient('Only the printer may reset the demo.', true);
    store.forgetAllGrants();
    loginThrottle.clear();
    recorder.clear();
    res.json({ reset: true });
  });

  return router;
}
