/**
 * @module presenter
 *
 * Presenter view: the three services at projector scale (base text 20 px and more, high contrast, one-line step
 * banners with the full text on demand) and keyboard control of step-through (packages/web/assets/presenter.js).
 * It is a display preference, not a security switch: it reveals nothing (secrets stay behind instructor mode), so
 * it is kept in each service's own session, without a cookie of its own. The printer's switch (instructor mode)
 * sends the browser once through `GET /presenter` on the auth server and on Drive, each of which records it in its
 * session and sends the browser on to the next service, then back to the printer.
 */
import { Router, type NextFunction, type Request, type Response } from 'express';

declare module 'express-session' {
  interface SessionData {
    /** Presenter view on, for this browser, on this service. */
    presenter?: boolean;
    /** In presenter view, the instructor asked to show secrets on the projector (the printer; off by default). */
    presenterSecrets?: boolean;
    /** The printer's one-time `lesson_next` for the lesson segment opened here (the auth server's and Drive's). */
    lessonNext?: string;
  }
}

const PRESENTER_PATH = '/presenter';

/**
 * Where the keys `t` and `i` go from this service's pages (the printer's timeline and token inspector), and `n` from
 * the auth server's and Drive's: on to the lesson's next segment (`lessonNext`) when the lesson bar opened a page
 * here, else the printer's lesson plan (`lesson`). On the printer itself the lesson bar's own script handles `n`/`p`.
 */
export interface PresenterLinks {
  timeline: string;
  inspector: string;
  lesson?: string;
  /**
   * The printer's `GET /lesson/next`. The lesson bar opens a segment's page on this service with a one-time
   * `lesson_next` (apps/printer routes/teaching/lesson.ts); `n` brings it back there, and the lesson goes on at once.
   */
  lessonNext?: string;
}

/** The printer's one-time `lesson_next`: 16 random bytes, base64url. Nothing else is kept or put in a link. */
const LESSON_NEXT = /^[A-Za-z0-9_-]{22}$/;

/**
 * Where `GET /presenter` may send the browser next: a path of this service, or a page of one of the other two
 * services (their public origins). Anything else goes to this service's home page: no open redirect.
 */
export function presenterNext(next: unknown, trustedOrigins: readonly string[]): string {
  if (typeof next !== 'string' || next.length > 2000) return '/';
  if (/^\/(?![/\\])[^\s]*$/.test(next)) return next;
  let url: URL;
  try {
    url = new URL(next);
  } catch {
    return '/';
  }
  const origins = trustedOrigins.map((o) => new URL(o).origin);
  return origins.includes(url.origin) ? url.href : '/';
}

/** The URL that turns presenter view on or off at `serviceUrl`, then goes on to `next`. */
export function presenterSwitchUrl(serviceUrl: string, on: boolean, next: string): string {
  const url = new URL(PRESENTER_PATH, serviceUrl.endsWith('/') ? serviceUrl : `${serviceUrl}/`);
  url.searchParams.set('set', on ? 'on' : 'off');
  url.searchParams.set('next', next);
  return url.href;
}

/**
 * `GET /presenter?set=on|off&next=…` and the locals every page reads (`presenter`, `presenterLinks`), for the auth
 * server and Drive. Mount after the session middleware.
 */
export function presenterView(options: { trustedOrigins: readonly string[]; links: PresenterLinks }): Router {
  const router = Router();
  router.get(PRESENTER_PATH, (req: Request, res: Response) => {
    if (req.query.set === 'on') req.session.presenter = true;
    if (req.query.set === 'off') delete req.session.presenter;
    res.redirect(303, presenterNext(req.query.next, options.trustedOrigins));
  });
  router.use((req: Request, res: Response, next: NextFunction) => {
    if (req.session?.presenter === true) {
      // Kept in the session, not only in the page's address: the segment's page may first send the instructor to a
      // sign-in, or to itself again after a form (Connected apps' Remove), and `n` must still go on from there.
      const sent = req.query.lesson_next;
      if (options.links.lessonNext && typeof sent === 'string' && LESSON_NEXT.test(sent)) req.session.lessonNext = sent;
      res.locals.presenter = true;
      res.locals.presenterLinks =
        options.links.lessonNext && req.session.lessonNext
          ? {
              ...options.links,
              lesson: `${options.links.lessonNext}?${new URLSearchParams({ lesson_next: req.session.lessonNext })}`,
            }
          : options.links;
    }
    next();
  });
  return router;
}
