/**
 * @module routes/web_app
 *
 * Drive's own first-party web app: sign in with the Password grant (RFC 6749 §4.3; the notes' steps 1, 2, 6,
 * 7, 8) and see your photos. Here the drive plays a second role: besides being the Resource Server, its web
 * app is a CLIENT of the auth server (`drive-web`), the only one the auth server lets send it a password.
 *
 *   GET  /signin               the form (steps 1, 2), and why only a first party may ever ask for a password
 *   POST /signin (CSRF)        steps 2 and 6 (web_app/password_grant.ts); the token is kept in the session
 *   GET  /my-photos            steps 7 and 8: the token is checked exactly like an API call's, then the photos
 *   GET  /my-photos/:id/image  one photo, for the same session's token and owner only
 *   POST /signout (CSRF)       the session is destroyed, and the token revoked at the auth server
 *
 * The access token never reaches the browser: it lives in the session, server side (the `sessions` table of
 * drive.db); the browser holds only a random session id in the HttpOnly cookie `drive.sid`. The pages show the
 * token's scope and expiry, never the token.
 *
 * Step 7 is an in-process call: the web app and the API are one server, so the web app hands the token to the
 * API's own check (the same TokenValidator behind `Authorization: Bearer`, JWT or introspection) rather than
 * making an HTTP request to itself. Everything a token is checked for is checked.
 */
import express, { type Request, type Response, Router } from 'express';
import { InvalidToken, NotFound } from '@oauth-demo/tokens';
import { csrfToken, noStore, verifyCsrf } from '@oauth-demo/web';
import { stepBar } from '@oauth-demo/teaching';
import type { DriveConfig } from '../config.js';
import { type Db, findPhotoOf, listPhotosOf } from '../db.js';
import { ensureOwnerPhotos } from '../photos/seed.js';
import { resourceOwnerOf } from '../middleware/require_token.js';
import { photosDir } from '../photos/seed.js';
import type { TokenValidator } from '../token_validator.js';
import {
  type IssuedToken,
  type PasswordGrantClient,
  SignInUnavailable,
  WrongCredentials,
} from '../web_app/password_grant.js';
import { PHOTOS_READ, sendImage } from './api.js';

declare module 'express-session' {
  interface SessionData {
    /** The signed-in user's token, as step 6 gave it to Drive's web app. Server side only. */
    driveWeb?: IssuedToken;
  }
}

/** The session cookie of Drive's web app (docs/design.md, Services: each service its own name, cookies are not per port). */
export const SESSION_COOKIE = 'drive.sid';

/** The demo's resource owners, shown on the form like on the auth server's login page. */
const DEMO_USERS = [
  { id: 'alice', password: 'wonderland' },
  { id: 'bob', password: 'builder' },
] as const;

const MAX_USERNAME = 100;
const MAX_PASSWORD = 200;

export interface WebAppContext {
  config: DriveConfig;
  db: Db;
  validator: TokenValidator;
  passwordGrant: PasswordGrantClient;
}

type Notice = 'signed_out' | 'expired';

interface SignInPage {
  status: number;
  username?: string;
  message?: string;
  notice?: Notice;
}

/** When the token expires, in words: "14:32:05 UTC (in 9 minutes)". */
function describeExpiry(expiresAt: number | null, now = Date.now()): string {
  if (expiresAt === null) return 'not stated by the Auth server';
  const at = `${new Date(expiresAt).toISOString().slice(11, 19)} UTC`;
  const seconds = Math.round((expiresAt - now) / 1000);
  if (seconds <= 0) return `${at} (expired)`;
  if (seconds < 90) return `${at} (in ${seconds} seconds)`;
  return `${at} (in ${Math.round(seconds / 60)} minutes)`;
}

export function webAppRouter({ config, db, validator, passwordGrant }: WebAppContext): Router {
  const router = Router();
  const dir = photosDir(config.dataDir);
  const form = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });

  const renderSignIn = (req: Request, res: Response, page: SignInPage): void => {
    res.status(page.status).render('signin', {
      title: 'Sign in to Drive',
      // The form is steps 1 and 2 of the Password grant; a wrong password comes back as step 6's refusal (invalid_grant).
      stepBar: stepBar('password', [1, 2], page.status === 401 ? { refused: [6] } : {}),
      csrf: csrfToken(req),
      username: page.username ?? '',
      message: page.message ?? '',
      notice: page.notice ?? '',
      signedIn: req.session.driveWeb !== undefined,
      demoUsers: DEMO_USERS,
      issuer: config.issuer,
      printerUrl: config.printerUrl,
      clientId: config.webClient.clientId,
      scope: config.webClient.scope,
    });
  };

  // Pages about a signed-in user, and the form carrying a password: never cached.
  router.use(['/signin', '/signout', '/my-photos'], noStore);

  router.get('/signin', (req, res) => {
    const notice = req.query.signed_out === '1' ? 'signed_out' : req.query.expired === '1' ? 'expired' : undefined;
    renderSignIn(req, res, { status: 200, ...(notice ? { notice } : {}) });
  });

  router.post('/signin', form, verifyCsrf, async (req, res) => {
    const username: unknown = req.body?.username;
    const password: unknown = req.body?.password;
    if (
      typeof username !== 'string' ||
      typeof password !== 'string' ||
      !username ||
      !password ||
      username.length > MAX_USERNAME ||
      password.length > MAX_PASSWORD
    ) {
      renderSignIn(req, res, {
        status: 400,
        username: typeof username === 'string' ? username.slice(0, MAX_USERNAME) : '',
        message: 'Enter your username and your password.',
      });
      return;
    }

    // Steps 2 and 6.
    let token: IssuedToken;
    try {
      token = await passwordGrant.signIn(username, password, req.ip);
    } catch (err) {
      if (err instanceof WrongCredentials) {
        renderSignIn(req, res, { status: 401, username, message: err.userMessage });
        return;
      }
      if (err instanceof SignInUnavailable) {
        renderSignIn(req, res, { status: err.status, username, message: err.userMessage });
        return;
      }
      throw err;
    }

    // A new session id at sign-in: an id planted in the browser before (session fixation) is worthless.
    const { presenter } = req.session;
    await new Promise<void>((resolve, reject) =>
      req.session.regenerate((err: unknown) => (err ? reject(err) : resolve())),
    );
    req.session.driveWeb = token;
    if (presenter) req.session.presenter = presenter;
    await new Promise<void>((resolve, reject) => req.session.save((err: unknown) => (err ? reject(err) : resolve())));
    res.redirect(303, '/my-photos');
  });

  /** Steps 7 and 8 for this session's token: its verified claims, or null when there is no usable token. */
  const verifiedSession = async (req: Request) => {
    const token = req.session.driveWeb;
    if (!token) return null;
    try {
      const claims = await validator.validate(token.accessToken, PHOTOS_READ);
      return { token, claims, owner: resourceOwnerOf(claims) };
    } catch (err) {
      // Expired or revoked: the sign-in is over (no refresh token in this grant). Anything else (503) is ours.
      if (err instanceof InvalidToken) return null;
      throw err;
    }
  };

  router.get('/my-photos', async (req, res) => {
    const session = await verifiedSession(req);
    if (!session) {
      const expired = req.session.driveWeb !== undefined;
      if (expired) delete req.session.driveWeb;
      res.redirect(303, expired ? '/signin?expired=1' : '/signin');
      return;
    }
    const { token, claims, owner } = session;
    if (owner !== null) ensureOwnerPhotos(db, config.dataDir, owner); // a learner who joined the class: photos of their own
    const photos = owner === null ? [] : listPhotosOf(db, owner);
    res.render('my_photos', {
      title: 'My photos',
      stepBar: stepBar('password', [6, 7, 8]),
      printerUrl: config.printerUrl,
      csrf: csrfToken(req),
      owner,
      photos: photos.map((p) => ({ id: p.id, title: p.title, taken_on: p.taken_on })),
      // What step 6 said (the token response), and what step 8 verified (the claims): never the token.
      scope: token.scope,
      expiry: describeExpiry(token.expiresAt),
      expiresAtIso: token.expiresAt === null ? '' : new Date(token.expiresAt).toISOString(),
      clientId: claims.client_id,
      username: claims.sub,
      clientIdConfigured: config.webClient.clientId,
      issuer: config.issuer,
      audience: config.publicUrl,
      validation: config.tokenValidation.mode,
    });
  });

  router.get('/my-photos/:id/image', async (req: Request<{ id: string }>, res: Response) => {
    const session = await verifiedSession(req);
    if (!session) throw new InvalidToken('Sign in to Drive to see your photos.');
    const photo = session.owner === null ? undefined : findPhotoOf(db, session.owner, req.params.id);
    if (!photo) throw new NotFound('There is no such photo among yours.');
    await sendImage(res, dir, photo, `photo ${photo.id}`);
  });

  router.post('/signout', form, verifyCsrf, async (req, res) => {
    const token = req.session.driveWeb?.accessToken;
    const { presenter } = req.session;
    if (presenter) {
      // Presenter view, a display preference with nothing of the user in it, is kept in a new session
      // (packages/web/src/presenter.ts); everything else is gone with the old one.
      await new Promise<void>((resolve, reject) =>
        req.session.regenerate((err: unknown) => (err ? reject(err) : resolve())),
      );
      req.session.presenter = presenter;
    } else {
      await new Promise<void>((resolve, reject) =>
        req.session.destroy((err: unknown) => (err ? reject(err) : resolve())),
      );
      res.clearCookie(SESSION_COOKIE, {
        path: '/',
        httpOnly: true,
        sameSite: 'lax',
        secure: config.publicUrl.startsWith('https:'),
      });
    }
    // RFC 7009: the token is also revoked at the auth server, so a copy of it (there is none) would be dead
    // too. Best effort: the session is gone either way.
    if (token) await passwordGrant.revoke(token);
    res.redirect(303, '/signin?signed_out=1');
  });

  return router;
}
