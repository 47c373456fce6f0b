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
import { handleCallback } from '../oauth/callback.js';
import type { Connection } from '../oauth/connection.js';
import { revokeConnection } from '../oauth/revocation.js';
import type { TokenSet } from '../oauth/token_endpoint.js';
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
  };
  const consentRememberedAt = req.session.consentRememberedAt;
  const requestedScope = req.session.builderRequestedScope ?? ctx.config.client.scope; // a hand-made request's own
  await regenerateSession(req);
  if (keep.browserKey) req.session.browserKey = keep.browserKey;
  if (keep.traces) req.session.traces = keep.traces;
  if (keep.teaching) req.session.teaching = keep.teaching;
  if (keep.presenter) req.session.presenter = keep.presenter;
  if (keep.lesson) req.session.lesson = keep.lesson;
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
    await finishConnection(req, res, ctx, metadata.issuer, result.tokens);
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
