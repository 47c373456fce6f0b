/**
 * @module routes/oauth
 *
 * The Client's two ends of the Authorization Code flow:
 * - `POST /import` (step 2): send the browser to the authorization endpoint with a fresh request.
 * - `GET /callback` (steps 4-6): the redirect_uri; see oauth/callback.ts for the order of the checks.
 * - `POST /disconnect`: forget the tokens (and revoke them at the auth server, RFC 7009, when it offers that).
 */
import { type Request, type Response, Router } from 'express';
import { csrfToken, verifyCsrf } from '@oauth-demo/web';
import { activeTrace, describeExchange, endTrace, startTrace, stepBar } from '@oauth-demo/teaching';
import type { AppContext } from '../context.js';
import { buildAuthorizationRequest, rememberPending } from '../oauth/authorization_request.js';
import { AuthServerBusy, CallbackRejected } from '../errors.js';
import { handleCallback } from '../oauth/callback.js';
import type { Connection } from '../oauth/connection.js';
import { revokeConnection } from '../oauth/revocation.js';
import { exchangeAuthorizationCode, type TokenSet } from '../oauth/token_endpoint.js';

/** How long a code the auth server was too busy to exchange is kept for the page that retries (a code lives ≤ 60 s). */
const BUSY_EXCHANGE_TTL_MS = 60_000;
import { regenerateSession } from './session_helpers.js';

/** The outcome page of a Deny (step 4 with error=access_denied). */
export function renderDenied(req: Request, res: Response, description: string | undefined): void {
  // 200: the request to the printer was fine and the flow ended the way the user chose; this is the
  // outcome page, not a fault (a 4xx would tell tools and learners that something was broken).
  endTrace(req);
  res.render('denied', {
    title: 'You said no',
    // The Deny came back: step 4 of the Authorization Code grant, as a refusal (no code was sent).
    stepBar: stepBar('authorization_code', [4], { refused: [4] }),
    description,
    csrf: csrfToken(req),
  });
}

/** After step 6: keep the tokens in a NEW session (the flow's trace and teaching switches come along), then show the photos. */
export async function finishConnection(
  req: Request,
  res: Response,
  ctx: AppContext,
  issuer: string,
  tokens: TokenSet,
  options: { pauseBeforeDrive?: boolean } = {},
): Promise<void> {
  // Connected. A new session id from now on (session fixation, OWASP ASVS V3.2): an attacker who planted a
  // session cookie in this browser before the flow does not share the session that now holds the tokens.
  const keep = {
    browserKey: req.session.browserKey,
    traces: req.session.traces,
    teaching: req.session.teaching,
    presenter: req.session.presenter,
    // The lesson the instructor is running goes on through the flows it shows (routes/teaching/lesson.ts).
    lesson: req.session.lesson,
    lessonHandoff: req.session.lessonHandoff,
  };
  const consentRememberedAt = req.session.consentRememberedAt;
  const requestedScope = req.session.builderRequestedScope ?? ctx.config.client.scope; // a hand-made request's own
  await regenerateSession(req);
  if (keep.browserKey) req.session.browserKey = keep.browserKey;
  if (keep.traces) req.session.traces = keep.traces;
  if (keep.teaching) req.session.teaching = keep.teaching;
  if (keep.presenter) req.session.presenter = keep.presenter;
  if (keep.lesson) req.session.lesson = keep.lesson;
  if (keep.lessonHandoff) req.session.lessonHandoff = keep.lessonHandoff;
  const connection: Connection = { ...tokens, issuer, connectedAt: Date.now(), refreshCount: 0 };
  req.session.connection = connection;
  req.session.justConnected = {
    requestedScope,
    grantedScope: tokens.scope,
    refreshToken: tokens.refresh_token !== undefined,
    ...(consentRememberedAt ? { consentRememberedAt } : {}),
  };
  if (options.pauseBeforeDrive) {
    // Step-through mode: one more pause, before step 7 (the call to Drive that the photos page makes).
    req.session.stepHop = { kind: 'drive', createdAt: Date.now() };
    res.redirect(303, '/step');
    return;
  }
  res.redirect(303, '/photos');
}

/**
 * The auth server's note that it skipped step 3 because the user had allowed Photo Printer before: its own
 * `demo_consent_remembered` parameter (no standard one; RFC 6749 §4.1.2 lets a server add parameters, and a client
 * ignores those it does not know). Only a well-formed date is kept; it changes nothing but what the page says.
 */
function consentRememberedFrom(query: Request['query']): string | undefined {
  const value = query.demo_consent_remembered;
  return typeof value === 'string' &&
    /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(value) &&
    !Number.isNaN(Date.parse(value))
    ? value
    : undefined;
}

/** "2026-12-03 06:40 UTC". */
function formatUtc(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

export function oauthRoutes(ctx: AppContext): Router {
  const router = Router();

  router.post('/import', verifyCsrf, async (req, res) => {
    const metadata = await ctx.metadata.get(); // 503 / 502 page when the auth server is down or not the one we trust
    // A new flow: a new W3C trace; every back-channel call from now on carries it (@oauth-demo/teaching: express/trace.ts, axios/record_calls.ts).
    const trace = startTrace(req, 'authorization_code', 'Import photos from Drive');
    describeExchange(res, {
      key: trace.id,
      from: 'browser',
      channel: 'front',
      step: 1,
      label: 'You press “Import photos from Drive”',
      note: 'Step 2: Photo Printer sends your browser to the authorization endpoint',
    });
    // "Ask me again": prompt=consent, so the auth server shows its consent screen even if the user allowed us before.
    const askAgain = req.body?.ask_again === 'on';
    delete req.session.consentRememberedAt;
    const request = buildAuthorizationRequest(metadata, ctx.config.client, askAgain ? { prompt: 'consent' } : {});
    req.session.pendingAuthorizations = rememberPending(req.session.pendingAuthorizations, request.pending);
    if (req.session.teaching?.stepThrough) {
      // Step-through mode: stop on a page that explains the request before the browser goes (routes/teaching/step_through.ts).
      req.session.stepHop = { kind: 'authorize', url: request.url, createdAt: Date.now() };
      describeExchange(res, { note: 'Step-through mode: paused before step 2' });
      res.redirect(303, '/step');
      return;
    }
    // 303 See Other: the browser follows with a GET. Never 307, which would re-POST the form (RFC 9700 §4.12).
    res.redirect(303, request.url);
  });

  router.get('/callback', async (req, res) => {
    // A callback for a request this browser sent joins its flow; a stray one (no request pending) starts no
    // trace and keeps nothing, so that it stores no session (issue 12 item 7): it is refused below for its state.
    const trace =
      activeTrace(req) ??
      (req.session.pendingAuthorizations?.length
        ? startTrace(req, 'authorization_code', 'Import photos from Drive')
        : undefined);
    // Remembered consent: the auth server skipped step 3 and says so (its demo_consent_remembered parameter).
    const remembered = trace ? consentRememberedFrom(req.query) : undefined;
    if (remembered) req.session.consentRememberedAt = remembered;
    else delete req.session.consentRememberedAt;
    if (trace) {
      describeExchange(res, {
        key: trace.id,
        from: 'browser',
        channel: 'front',
        step: 4,
        label: remembered
          ? `The redirect back: code, state and iss arrive at the redirect_uri (step 3 skipped: already allowed on ${formatUtc(remembered)})`
          : 'The redirect back: code, state and iss arrive at the redirect_uri',
      });
    }
    if (req.session.stepHop?.kind === 'authorize') delete req.session.stepHop;
    if (req.session.teaching?.stepThrough) {
      // Step-through mode: keep the answer, unchecked, and explain it first. The checks run on Continue.
      const query: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.query).slice(0, 20))
        if (typeof value === 'string') query[name] = value.slice(0, 2000);
      req.session.stepHop = { kind: 'callback', query, createdAt: Date.now(), codeArrivedAt: Date.now() };
      res.redirect(303, '/step');
      return;
    }
    const metadata = await ctx.metadata.get();
    const result = await handleCallback(req, metadata, ctx.tokenEndpoint);
    if (result.outcome === 'denied') {
      renderDenied(req, res, result.description);
      return;
    }
    if (result.outcome === 'busy') {
      renderBusyRetrying(req, res, { ...result, issuer: metadata.issuer });
      return;
    }
    await finishConnection(req, res, ctx, metadata.issuer, result.tokens);
  });

  /**
   * The auth server was busy (503 + Retry-After) when the code was to be exchanged. state and iss were checked
   * and the code was not looked at, so it is kept, with its verifier, in this session only, and the page comes
   * back here by itself after Retry-After (the Refresh header) to exchange it: once, within a minute (the code's
   * own lifetime is at most that, RFC 6749 §4.1.2).
   */
  function renderBusyRetrying(
    req: Request,
    res: Response,
    kept: { retryAfterS: number; code: string; code_verifier: string; issuer: string },
  ): void {
    req.session.busyExchange = {
      code: kept.code,
      code_verifier: kept.code_verifier,
      issuer: kept.issuer,
      at: Date.now(),
    };
    res
      .status(503)
      .set('Retry-After', String(kept.retryAfterS)) // RFC 9110 §10.2.3
      .set('Refresh', `${kept.retryAfterS}; url=/callback/retry`)
      .render('error', {
        heading: 'The auth server is busy, retrying',
        code: 'temporarily_unavailable',
        message: `The auth server asked Photo Printer to wait ${kept.retryAfterS} s before exchanging the code. This page tries again by itself.`,
        explanation:
          'Many learners at once: instead of keeping everyone waiting, the Authorization Server answered 503 with Retry-After (RFC 9110 §15.6.4) without looking at the code, so it is still valid. Photo Printer keeps it with its code_verifier (which never leaves the printer) and exchanges it when the page reloads.',
        backHref: '/',
        backLabel: 'Back to Photo Printer',
      });
  }

  router.get('/callback/retry', async (req, res) => {
    const kept = req.session.busyExchange;
    delete req.session.busyExchange;
    if (!kept || Date.now() - kept.at > BUSY_EXCHANGE_TTL_MS) {
      throw new CallbackRejected(
        'There is no code waiting to be exchanged (or it waited too long).',
        'This page only finishes an exchange that the auth server was too busy to answer a moment ago, once. Start again from Photo Printer.',
      );
    }
    try {
      const tokens = await exchangeAuthorizationCode(ctx.tokenEndpoint, kept.code, kept.code_verifier);
      await finishConnection(req, res, ctx, kept.issuer, tokens);
    } catch (err) {
      if (!(err instanceof AuthServerBusy)) throw err;
      renderBusyRetrying(req, res, { ...kept, retryAfterS: err.retryAfterS });
    }
  });

  router.post('/disconnect', verifyCsrf, async (req, res) => {
    const connection = req.session.connection;
    delete req.session.connection;
    delete req.session.justConnected;
    const revoked = connection ? await revokeConnection(ctx.tokenEndpoint, connection) : false;
    req.session.notice = {
      kind: 'good',
      text: `Photo Printer has forgotten your Drive tokens${revoked ? ' and the auth server has revoked them (RFC 7009)' : ''}. Your orders are kept.`,
    };
    res.redirect(303, '/');
  });

  return router;
}
