/**
 * @module middleware/cors
 *
 * Photo Printer's browser pages (the Implicit demo and the single-page Authorization Code + PKCE demo) call
 * the API from another origin (http://localhost:3000 → http://localhost:9001), which a browser allows only
 * when the API says so (CORS). We allow exactly that one origin, only GET, only the Authorization header.
 * No cookies are involved (`Access-Control-Allow-Credentials` is not sent): the API accepts bearer tokens,
 * nothing else, so there is no ambient authority a foreign page could borrow.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';

export function allowBrowserCallsFrom(publicUrl: string): RequestHandler {
  const allowedOrigin = new URL(publicUrl).origin;
  return (req: Request, res: Response, next: NextFunction): void => {
    res.vary('Origin');
    const allowed = req.headers.origin === allowedOrigin;
    if (allowed) {
      res.set('Access-Control-Allow-Origin', allowedOrigin);
      // Let the page read the RFC 6750 challenge of a 401/403.
      res.set('Access-Control-Expose-Headers', 'WWW-Authenticate');
    }
    // The preflight a browser sends before a GET with an Authorization header. It carries no token.
    if (req.method === 'OPTIONS') {
      if (allowed) {
        res.set('Access-Control-Allow-Methods', 'GET');
        res.set('Access-Control-Allow-Headers', 'Authorization');
        res.set('Access-Control-Max-Age', '600');
      }
      res.status(204).end();
      return;
    }
    next();
  };
}
