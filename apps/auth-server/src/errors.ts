/**
 * @module errors
 *
 * THE one place where errors become HTTP responses in the auth server:
 * - at the token endpoint: RFC 6749 §5.2 JSON, 400 (401 + `WWW-Authenticate: Basic` for invalid_client);
 * - during an authorization request whose client and redirect_uri are verified: a redirect back to the
 *   client with `error`, `state` and `iss` (RFC 6749 §4.1.2.1, RFC 9207);
 * - otherwise a page for the person in front of the browser, never a redirect and never a stack trace.
 */
import type { NextFunction, Request, Response } from 'express';
import { InvalidClient, InvalidClientId, InvalidRedirectUri } from '@oauth-demo/tokens';
import { CsrfError, csrfErrorPage, lookUpByClass, sendErrorJson, toOAuthError } from '@oauth-demo/web';
import { describeExchange } from '@oauth-demo/teaching';
import type { VerifiedRedirect } from './authorize/authorization_request.js';
import type { Client } from './clients.js';
import { sendAuthorizationResponse } from './authorize/authorization_response.js';
import { InteractionExpired } from './routes/interaction.js';

declare global {
  namespace Express {
    interface Locals {
      /**
       * Set once the client and its exact redirect_uri are verified (routes/authorize.ts, routes/interaction.ts):
       * from then on an error may go back to the client (RFC 6749 §4.1.2.1).
       */
      verifiedRedirect?: VerifiedRedirect;
      /** The registered client an authorization request names, verified or not yet (routes/authorize.ts). */
      namedClient?: Client;
      /** Where a refused authorization request is recorded (routes/authorize.ts, teaching authorizationRequestKey). */
      refusedAuthorizationKey?: string;
    }
  }
}

/** What the error page adds for the person in front of the browser, by error class. */
const PAGE_EXPLANATIONS = [
  [
    InvalidRedirectUri,
    'An authorization server only sends the browser back to a redirect_uri registered in advance, compared character by character. Otherwise anyone could craft a link that sends your authorization code to their own site (an open redirector, RFC 9700 §4.1.3). That is why this error is shown here instead of being sent back to the app.',
  ],
  [
    InvalidClientId,
    'The request names an application that is not registered here, so there is nobody safe to send you back to.',
  ],
  [InteractionExpired, 'Authorization requests are kept for a few minutes only, and each can be answered once.'],
] as const;

/** The home page of a registered client: the origin of its first registered (so verified) http(s) redirect_uri. */
function clientHome(client: Client): string | undefined {
  for (const uri of client.redirect_uris) {
    try {
      const url = new URL(uri);
      if (url.protocol === 'http:' || url.protocol === 'https:') return `${url.origin}/`;
    } catch {
      // not a URL: try the next one
    }
  }
  return undefined;
}

/**
 * A safe way on from an authorization request refused on this page (wrong redirect_uri or client_id): the
 * browser's Back button, and the home page of the client the request named when it is registered. Never the
 * request's redirect_uri, which is unverified (RFC 6749 §4.1.2.1, RFC 9700 §4.1.3: no open redirector).
 */
function wayOn(error: unknown, client: Client | undefined): { backHref?: string; backLabel?: string; hint?: string } {
  if (!(error instanceof InvalidRedirectUri || error instanceof InvalidClientId)) return {};
  const hint = 'Use your browser’s Back button to return to the page you came from.';
  const home = client && error instanceof InvalidRedirectUri ? clientHome(client) : undefined;
  return client && home ? { hint, backHref: home, backLabel: `Go to ${client.name}’s home page` } : { hint };
}

export function errorHandler(issuer: string) {
  return (err: unknown, _req: Request, res: Response, _next: NextFunction): void => {
    if (res.headersSent) return;

    if (err instanceof CsrfError) {
      const page = csrfErrorPage(err);
      res.status(page.status).render('error', { title: 'Form expired', ...page });
      return;
    }

    const error = toOAuthError(err, (unexpected) => console.error(unexpected), 'Something went wrong on our side.');

    if (res.locals.jsonErrors) {
      // RFC 6749 §5.2: a client that tried HTTP Basic gets a Basic challenge back.
      if (error instanceof InvalidClient && error.usedBasic)
        res.set('WWW-Authenticate', 'Basic realm="token", charset="UTF-8"');
      sendErrorJson(res, error);
      return;
    }

    const redirect = res.locals.verifiedRedirect;
    const redirected = redirect !== undefined && error.allowRedirect;
    const refusedKey = res.locals.refusedAuthorizationKey;
    if (refusedKey)
      // The refused authorization request, for the client's timeline (its flow names this key to see it).
      describeExchange(res, {
        key: refusedKey,
        from: 'browser',
        channel: 'front',
        step: 2,
        label: `Authorization request refused: ${error.error}`,
        note: redirected
          ? `Step 2 refused: the client and its redirect_uri are verified, so the error goes back to the client (RFC 6749 §4.1.2.1).`
          : `Step 2 refused on the auth server's own error page: the client_id or redirect_uri is not registered, so it must not redirect the browser there (RFC 6749 §4.1.2.1).`,
      });
    if (redirect && redirected) {
      // RFC 6749 §4.1.2.1 / §4.2.2.1: the error goes back to the client (authorize/authorization_response.ts).
      sendAuthorizationResponse(res, redirect, issuer, {
        error: error.error,
        error_description: error.error_description,
      });
      return;
    }

    res.status(error.status).render('error', {
      title: 'Error',
      heading: error.status >= 500 ? 'Something went wrong' : 'This request cannot be completed',
      code: error.error,
      message: error.error_description ?? '',
      explanation: lookUpByClass(error, PAGE_EXPLANATIONS),
      ...wayOn(error, res.locals.namedClient),
    });
  };
}

export function notFound(req: Request, res: Response): void {
  if (req.accepts(['html', 'json']) === 'json') {
    res.status(404).json({ error: 'not_found' });
    return;
  }
  res.status(404).render('error', {
    title: 'Not found',
    heading: 'Not found',
    message: 'There is no page here.',
    code: 'not_found',
  });
}
