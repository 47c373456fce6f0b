/**
 * @module routes/learners
 *
 * What the printer's exercises and class board need to know from this server (issue 18 items 3-4; docs/design.md,
 * Exercises and the class board), and nothing more. Both answer the printer only, authenticated as itself
 * (client_secret_basic, RFC 6749 §2.3.1): a browser, a learner, or any other client gets invalid_client.
 *
 * - `POST /_demo/learners`: who joined the class (the user ids beside the seeded demo accounts), for the board.
 * - `POST /_demo/learner-state` with `sub`: that learner's grants (revoked ones too, with when) and the device
 *   requests they decided. The printer asks only about the learner whose token it holds for the browser asking.
 *   No token, code or hash is in the answer: ids, scopes, times and statuses. Of the browsers (browser_id.ts) only
 *   one fact per device request: `same_browser_as_code_flow`, whether it was answered in a browser where this
 *   learner authorized Photo Printer in the code flow (true, false, or null when there is nothing to compare:
 *   no such authorization, or a request answered before browsers were recorded).
 */
import { Router } from 'express';
import { InvalidClient, InvalidRequest, optionalParam } from '@oauth-demo/tokens';
import { authenticateClient } from '../clients.js';
import type { AuthContext } from '../context.js';
import { MALLORY } from '../lab/lab_clients.js';
import { DEMO_USERS } from '../seed.js';
import { backChannel } from './back_channel.js';

const SEEDED_USERS: readonly string[] = [...DEMO_USERS.map((u) => u.id), MALLORY.id];

export function learnersRouter({ clients, config, store, users }: AuthContext): Router {
  const router = Router();

  function requirePrinter(req: Parameters<typeof authenticateClient>[0]): void {
    const caller = authenticateClient(req, clients);
    if (caller.client_id !== config.printerClientId)
      throw new InvalidClient('Only the printer may ask about learners.', true);
  }

  router.post('/_demo/learners', backChannel, (req, res) => {
    requirePrinter(req);
    res.json({ learners: users.listIdsExcept(SEEDED_USERS).map((sub) => ({ sub })) });
  });

  router.post('/_demo/learner-state', backChannel, (req, res) => {
    requirePrinter(req);
    const sub = optionalParam(req.body, 'sub');
    if (sub === undefined || sub === '' || sub.length > 100) throw new InvalidRequest('sub is required.');
    const codeFlowBrowsers = store.grants.codeFlowBrowsers(sub, config.printerClientId);
    res.json({
      sub,
      grants: store.grants.listAll(sub).map((g) => ({
        client_id: g.client_id,
        scope: g.scope,
        created_at: g.created_at,
        revoked_at: g.revoked_at,
      })),
      devices: store.deviceCodes.listDecidedBy(sub).map((d) => ({
        client_id: d.client_id,
        status: d.status,
        same_browser_as_code_flow:
          d.browser_hash === null || codeFlowBrowsers.length === 0 ? null : codeFlowBrowsers.includes(d.browser_hash),
      })),
    });
  });

  return router;
}
