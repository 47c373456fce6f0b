/**
 * @module routes/quick_print
 *
 * "Quick print": a browser-only page, a PUBLIC client (`photo-printer-browser`, no secret) whose code runs in the
 * browser (assets/quick_print.js). Photo Printer's server only serves the files; it never sees a token here.
 * - `GET /quick-print`: two buttons side by side. The Implicit flow (RFC 6749 §4.2, response_type=token; steps
 *   1, 2, 3, 6, 7, 8), and the same page done right: Authorization Code + PKCE from the browser (RFC 7636,
 *   RFC 9700 §2.1.1).
 * - `GET /quick-print/callback`: the registered redirect_uri for both. The script reads the answer (the fragment
 *   for Implicit, the query for the code), calls Drive from the browser, and shows what the Implicit flow exposes.
 *
 * These two pages need a wider Content-Security-Policy than the rest of the printer: their script talks to the
 * Auth server's token endpoint and to Drive's API (connect-src), and shows Drive's images as blob: URLs. Scripts
 * are still only files of this origin ('self'): no inline script, no inline handler.
 */
import { Router, type Request, type Response } from 'express';
import type { AppContext } from '../context.js';
import { GRANT_STEPS, findGrant, stepBar } from '@oauth-demo/teaching';

function originOf(url: string): string {
  return new URL(url).origin;
}

export function quickPrintRoutes(ctx: AppContext): Router {
  const router = Router();
  const client = ctx.config.quickPrint;
  const drive = ctx.config.drive.publicUrl;
  const implicit = findGrant(drive, 'implicit');
  const authorizationCode = findGrant(drive, 'authorization_code');

  /** The page's policy: the shared one, plus the two origins its script calls and blob: images. */
  function setPolicy(res: Response, tokenEndpoint: string): void {
    const connect = new Set(["'self'", originOf(tokenEndpoint), originOf(drive)]);
    res.setHeader(
      'Content-Security-Policy',
      [
        "default-src 'self'",
        "img-src 'self' data: blob:",
        "style-src 'self'",
        "script-src 'self'",
        `connect-src ${[...connect].join(' ')}`,
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
      ].join('; '),
    );
  }

  async function page(req: Request, res: Response, view: 'quick_print' | 'quick_print_callback') {
    const metadata = await ctx.metadata.get();
    setPolicy(res, metadata.token_endpoint);
    // What this server saw of the callback: the query (a code), never the fragment (a token).
    const query = Object.keys(req.query as Record<string, unknown>);
    const codeFlow = query.includes('code') || query.includes('error');
    const isCallback = view === 'quick_print_callback';
    res.render(view, {
      title: isCallback ? 'Quick print: the answer' : 'Quick print',
      // The page shows two flows side by side: one step bar each. The callback knows which came back: a code
      // (or an error) in the query is the Authorization Code flow; the Implicit flow's answer is in the fragment.
      stepBar: isCallback
        ? codeFlow
          ? query.includes('error')
            ? stepBar('authorization_code', [4], { refused: [4] })
            : stepBar('authorization_code', [4, 5, 6, 7, 8])
          : stepBar('implicit', [6, 7, 8])
        : [stepBar('implicit', [1, 2]), stepBar('authorization_code', [1, 2])],
      implicit,
      authorizationCode,
      implicitSteps: GRANT_STEPS.implicit,
      codeSteps: GRANT_STEPS.authorization_code,
      serverSaw: { path: req.path, queryNames: query },
      config: {
        issuer: metadata.issuer,
        // RFC 9207 §2.4: when the auth server says it always sends iss, an answer without it is refused.
        issRequired: metadata.authorization_response_iss_parameter_supported,
        authorizationEndpoint: metadata.authorization_endpoint,
        tokenEndpoint: metadata.token_endpoint,
        clientId: client.clientId,
        redirectUri: client.redirectUri,
        scope: client.scope,
        driveApi: `${drive}/api/photos`,
      },
    });
  }

  router.get('/quick-print', (req, res) => page(req, res, 'quick_print'));
  router.get('/quick-print/callback', (req, res) => page(req, res, 'quick_print_callback'));

  return router;
}
