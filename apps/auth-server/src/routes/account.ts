/**
 * @module routes/account
 *
 * The resource owner's own pages on the auth server: sign in and out, and Connected apps, where they see
 * which apps hold which scopes since when, and remove one. Removing an app revokes its grant with every
 * refresh token and access token issued under it (RFC 7009 §2.1 describes the same for a client).
 */
import { Router, type Request, type Response } from 'express';
import { NotFound } from '@oauth-demo/tokens';
import { csrfToken, verifyCsrf } from '@oauth-demo/web';
import type { AuthContext } from '../context.js';
import { stepBar } from '@oauth-demo/teaching';
import { SCOPES } from '../scopes.js';
import { DEMO_USERS } from '../seed.js';
import { joinClass } from '../join.js';
import { currentUser, safeReturnTo, signIn } from '../sign_in.js';

export function accountRouter(ctx: AuthContext): Router {
  const { clients, store } = ctx;
  const router = Router();

  function renderLogin(req: Request, res: Response, returnTo: string, status = 200, message?: string) {
    res.status(status).render('login', {
      title: 'Sign in',
      // Signing in to approve a device is step 3 of the device flow (RFC 8628 §3.3); the account pages are in no flow.
      ...(returnTo.startsWith('/device') ? { stepBar: stepBar('device_code', [3]) } : {}),
      action: `/login?return_to=${encodeURIComponent(returnTo)}`,
      joinAction: ctx.config.classSignup ? `/join?return_to=${encodeURIComponent(returnTo)}` : undefined,
      csrf: csrfToken(req),
      clientName: undefined,
      // What the sign-in is for, in words: approving a device (RFC 8628 §3.3) or the account pages.
      purpose: returnTo.startsWith('/device') ? 'device' : 'account',
      demoUsers: DEMO_USERS,
      message,
      username: typeof req.body?.username === 'string' ? req.body.username.slice(0, 100) : '',
    });
  }

  router.get('/login', (req, res) => {
    renderLogin(req, res, safeReturnTo(req.query.return_to, '/apps'));
  });

  router.post('/login', verifyCsrf, async (req, res) => {
    const returnTo = safeReturnTo(req.query.return_to, '/apps');
    const result = await signIn(req, ctx);
    if (!result.ok) {
      // Overload, not a wrong password: say when to try again (RFC 9110 §10.2.3).
      if (result.retryAfterS !== undefined) res.set('Retry-After', String(result.retryAfterS));
      renderLogin(req, res, returnTo, result.status, result.message);
      return;
    }
    res.redirect(303, returnTo);
  });

  // Join the class (join.ts) from the account pages' sign-in.
  router.post('/join', verifyCsrf, async (req, res) => {
    const returnTo = safeReturnTo(req.query.return_to, '/apps');
    const result = await joinClass(req, ctx);
    if (!result.ok) {
      // Overload, not a wrong password: say when to try again (RFC 9110 §10.2.3).
      if (result.retryAfterS !== undefined) res.set('Retry-After', String(result.retryAfterS));
      renderLogin(req, res, returnTo, result.status, result.message);
      return;
    }
    res.redirect(303, returnTo);
  });

  router.post('/logout', verifyCsrf, (req, res, next) => {
    // Destroy the server-side session, not just the cookie. Presenter view, a display preference with nothing of
    // the user in it, is kept in a new session (packages/web/src/presenter.ts), so the projector stays readable.
    const { presenter } = req.session;
    if (presenter) {
      req.session.regenerate((err) => {
        if (err) return next(err);
        req.session.presenter = presenter;
        res.redirect(303, '/');
      });
      return;
    }
    req.session.destroy((err) => {
      if (err) return next(err);
      res.clearCookie('auth.sid', { path: '/' });
      res.redirect(303, '/');
    });
  });

  router.get('/apps', (req, res) => {
    const user = currentUser(req, ctx);
    if (!user) {
      // Back to this very page after sign-in, with its query (the lesson bar's `?client_id=`): a path of ours, which
      // the sign-in checks again (safeReturnTo), so never an open redirect.
      res.redirect(303, `/login?${new URLSearchParams({ return_to: safeReturnTo(req.originalUrl, '/apps') })}`);
      return;
    }
    // `?client_id=` lists that app first (the lesson bar opens Connected apps this way for Photo Printer, so its
    // Remove button is on the projector's first screen); the others keep their order.
    const first = typeof req.query.client_id === 'string' ? req.query.client_id : undefined;
    const grants = store.grants.listActive(user.id);
    const ordered = [...grants.filter((g) => g.client_id === first), ...grants.filter((g) => g.client_id !== first)];
    const apps = ordered.map((grant) => ({
      clientId: grant.client_id,
      name: clients.find(grant.client_id)?.name ?? grant.client_id,
      since: `${new Date(grant.created_at * 1000).toISOString().replace('T', ' ').slice(0, 16)} UTC`,
      scopes: grant.scope.split(' ').map((name) => ({ name, description: SCOPES[name]?.description ?? '' })),
    }));
    res.render('apps', {
      title: 'Connected apps',
      user,
      apps,
      csrf: csrfToken(req),
      removed: req.query.removed === '1',
      // Never a dead end: the way back to the services of the story.
      printerUrl: ctx.config.printerUrl,
      driveUrl: ctx.config.driveResource,
    });
  });

  router.post('/apps/:clientId/remove', verifyCsrf, (req, res) => {
    const user = currentUser(req, ctx);
    if (!user) {
      res.redirect(303, '/login?return_to=%2Fapps');
      return;
    }
    const grant = store.grants.findActive(user.id, String(req.params.clientId));
    if (!grant) throw new NotFound('This app has no access to revoke.');
    store.grants.revoke(grant.id);
    res.redirect(303, '/apps?removed=1');
  });

  return router;
}
