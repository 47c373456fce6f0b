/**
 * @module routes/home
 *
 * The auth server's own front page: which role it plays, its endpoints, and the demo accounts.
 */
import { Router } from 'express';
import { csrfToken } from '@oauth-demo/web';
import type { AuthContext } from '../context.js';
import { DEMO_USERS } from '../seed.js';
import { METADATA_PATH } from './metadata.js';

export function homeRouter({ config, users }: AuthContext): Router {
  const router = Router();
  router.get('/', (req, res) => {
    const user = req.session.userId ? users.find(req.session.userId) : undefined;
    res.render('index', {
      title: 'Auth server',
      issuer: config.issuer,
      metadataUrl: `${config.issuer}${METADATA_PATH}`,
      printerUrl: config.printerUrl,
      demoUsers: DEMO_USERS,
      user,
      csrf: user ? csrfToken(req) : undefined,
    });
  });
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  return router;
}
