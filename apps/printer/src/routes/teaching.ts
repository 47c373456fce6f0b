/**
 * @module routes/teaching
 *
 * The teaching tools around the flows (issue 5, "make the invisible visible"):
 * - `GET /timeline`: the current flow (or `?trace=` another flow of this session) as a sequence diagram, merged
 *   from Photo Printer's own recordings and the auth server's and Drive's (see timeline.ts).
 * - `GET /inspect`, `POST /inspect`: the token inspector (inspector.ts); POST verifies a pasted token.
 * - `POST /teaching` (CSRF): the switches, kept in the session: instructor mode, step-through mode.
 * - `GET /step`, `POST /step/continue` (CSRF): step-through mode's interstitials (step_through.ts).
 */
import { timingSafeEqual } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import { buildBasicAuthorization } from '@oauth-demo/tokens';
import { type NextFunction, type Request, type Response, Router } from 'express';
import type { JSONWebKeySet } from 'jose';
import { csrfToken, describeExchange, maskExchange, verifyCsrf } from '@oauth-demo/web';
import type { AppContext } from '../context.js';
import { InstructorModeRefused } from '../errors.js';
import { type InspectedToken, KIND_LABELS, type MetToken, inspectToken, tokensInRecordings, tokensInSession, uniqueTokens } from '../inspector.js';
import { checkCallback } from '../oauth/callback.js';
import { exchangeAuthorizationCode } from '../oauth/token_endpoint.js';
import { type Interstitial, STEP_HOP_TTL_MS, authorizeInterstitial, callbackInterstitial, tokenInterstitial } from '../step_through.js';
import { LANES, type MergedExchange, type SourceStatus, buildRows, fetchRecordings, foldRepeats, genericPath, laneIndex, laneName, mergeExchanges, stepsOf } from '../timeline.js';
import { type TraceInfo, findTrace } from '../trace.js';
import { finishConnection, renderDenied } from './oauth.js';

export interface Teaching {
  instructor: boolean;
  /** Whether the instructor switch is offered here, and whether it asks for INSTRUCTOR_KEY. */
  instructorAvailable: boolean;
  instructorKeyRequired: boolean;
  stepThrough: boolean;
  traceId: string | undefined;
  csrf: string;
  /** Where the switches send the browser back to. */
  here: string;
  glossary: GlossaryEntry[];
  accessTokenTtlHint: string;
}

export interface GlossaryEntry {
  term: string;
  notes: string;
  now: string;
}

export function isInstructor(req: Request): boolean {
  return req.session.teaching?.instructor === true;
}

/** The notes' five terms, mapped to what this learner has on screen now. */
export function glossary(req: Request, ctx: AppContext): GlossaryEntry[] {
  const c = req.session.connection;
  let owner = 'you, once signed in on the Auth server (alice or bob)';
  const payload = c?.access_token.split('.')[1];
  if (payload) {
    try {
      const sub = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { sub?: unknown }).sub;
      if (typeof sub === 'string') owner = `${sub.slice(0, 60)} (the sub of Photo Printer’s access token)`;
    } catch {
      // keep the generic wording
    }
  }
  return [
    { term: 'Resource', notes: 'The thing to be accessed: the photo.', now: c ? `your photos on Drive, scope ${c.scope}` : 'the photos on Drive (not reachable by Photo Printer until you connect)' },
    { term: 'Resource Owner', notes: 'The person who owns the resource.', now: owner },
    { term: 'Resource Server', notes: 'The server hosting the resources (the notes: Google Drive).', now: `Drive at ${ctx.config.drive.publicUrl}` },
    { term: 'Client', notes: 'The application that needs access (the notes: the photo printing service).', now: `Photo Printer (this site), client_id ${ctx.config.client.clientId}` },
    { term: 'Authorization Server', notes: 'The server issuing access tokens to the client.', now: `Auth server, issuer ${ctx.config.auth.publicUrl}` },
  ];
}

/** res.locals.teaching for every page: the switches, the glossary, and where the timeline is. */
export function teachingLocals(ctx: AppContext) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!req.session) return next();
    const teaching: Teaching = {
      instructor: isInstructor(req),
      instructorAvailable: ctx.config.instructorModeAvailable,
      instructorKeyRequired: ctx.config.instructorKey !== undefined,
      stepThrough: req.session.teaching?.stepThrough === true,
      traceId: req.session.traces?.at(-1)?.id,
      csrf: csrfToken(req),
      here: req.method === 'GET' ? req.originalUrl : '/',
      glossary: glossary(req, ctx),
      accessTokenTtlHint: 'Short token lifetimes on demand: start the auth server with ACCESS_TOKEN_TTL=60 (seconds) to watch access tokens expire and refresh in class.',
    };
    res.locals.teaching = teaching;
    res.locals.stylesheets = ['/assets/printer/teaching.css'];
    if (teaching.instructor) res.locals.bodyClass = 'instructor';
    next();
  };
}

/** A same-site path to go back to after a switch (never another origin: no open redirect). */
function safeBack(value: unknown): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && value.length < 500 ? value : '/timeline';
}

async function fetchJwks(ctx: AppContext): Promise<JSONWebKeySet | null> {
  try {
    const metadata = await ctx.metadata.get();
    const uri = metadata.jwks_uri ?? `${ctx.config.auth.publicUrl}/.well-known/jwks.json`;
    const response = await ctx.backChannel.http.get<unknown>(ctx.metadata.internal(uri), { trace: false, responseType: 'json' });
    const data = response.data as { keys?: unknown } | null;
    return response.status === 200 && Array.isArray(data?.keys) ? (data as JSONWebKeySet) : null;
  } catch {
    return null;
  }
}

export function teachingRoutes(ctx: AppContext): Router {
  const router = Router();

  /**
   * Reset demo (instructor mode): the auth server forgets every grant, code, token and session (it checks
   * that the printer asks, with its secret), and the printer forgets every order and session. Users, clients,
   * signing keys and Drive's photos are the seed and stay.
   */
  router.post('/teaching/reset', verifyCsrf, async (req, res) => {
    if (!isInstructor(req)) throw new InstructorModeRefused();
    const { clientId, clientSecret } = ctx.config.client;
    const answer = await ctx.backChannel.http.post(`${ctx.config.auth.internalUrl}/_demo/reset`, '', {
      headers: { authorization: buildBasicAuthorization(clientId, clientSecret), 'content-type': 'application/x-www-form-urlencoded' },
      validateStatus: () => true,
    });
    if (answer.status !== 200) throw new Error(`the auth server refused the reset (HTTP ${answer.status})`);
    ctx.orders.forgetEverything();
    rmSync(ctx.ordersDir, { recursive: true, force: true });
    mkdirSync(ctx.ordersDir, { recursive: true });
    ctx.recorder.clear();
    req.session.destroy(() => res.redirect(303, '/'));
  });

  router.post('/teaching', verifyCsrf, (req, res) => {
    const body = req.body as Record<string, unknown>;
    const teaching = { ...req.session.teaching };
    if (body.instructor === 'off') teaching.instructor = false;
    if (body.instructor === 'on') {
      // Instructor mode shows secrets: only where it is offered, and with the key when one is set.
      const { instructorKey, instructorModeAvailable } = ctx.config;
      const key = typeof body.key === 'string' ? body.key : '';
      const keyOk = instructorKey === undefined || (key.length === instructorKey.length && timingSafeEqual(Buffer.from(key), Buffer.from(instructorKey)));
      if (!instructorModeAvailable || !keyOk) throw new InstructorModeRefused();
      teaching.instructor = true;
    }
    if (body.stepThrough === 'on' || body.stepThrough === 'off') teaching.stepThrough = body.stepThrough === 'on';
    req.session.teaching = teaching;
    if (!teaching.stepThrough) delete req.session.stepHop;
    res.redirect(303, safeBack(body.back));
  });

  router.get('/timeline', async (req, res) => {
    const traces = req.session.traces ?? [];
    const trace = findTrace(req, req.query.trace);
    const instructor = isInstructor(req);
    let exchanges: MergedExchange[] = [];
    let sources: SourceStatus[] = [];
    if (trace) {
      const reveal = instructor ? { clientId: ctx.config.client.clientId, clientSecret: ctx.config.client.clientSecret } : undefined;
      const [auth, drive] = await Promise.all([
        fetchRecordings(ctx.backChannel.http, { party: 'auth', urls: ctx.config.auth }, trace.id, reveal).then(async (r) =>
          // The auth server may refuse the reveal (another client id): fall back to its masked records.
          r.status.state === 'refused' && reveal ? fetchRecordings(ctx.backChannel.http, { party: 'auth', urls: ctx.config.auth }, trace.id) : r,
        ),
        fetchRecordings(ctx.backChannel.http, { party: 'drive', urls: ctx.config.drive }, trace.id),
      ]);
      sources = [auth.status, drive.status];
      exchanges = foldRepeats(mergeExchanges(ctx.recorder.list(trace.id), [...auth.exchanges, ...drive.exchanges]).map((e) => showExchange(e, instructor)));
    }
    const rows = buildRows(exchanges);
    // Only this session's own flows: another trace id is not a key to someone else's exchanges.
    const unknownTrace = !trace && typeof req.query.trace === 'string' && req.query.trace !== '';
    res.status(unknownTrace ? 404 : 200).render('timeline', {
      unknownTrace,
      title: 'Behind the scenes: the timeline',
      activeSteps: [...new Set(rows.map((r) => r.step).filter((s): s is number => s !== undefined))].sort(),
      trace,
      traces: [...traces].reverse(),
      rows,
      exchanges,
      sources,
      lanes: LANES,
      laneIndex,
      laneName,
      stepsOf,
      genericPath,
      recording: ctx.recorder.enabled,
      instructor,
      kindNames: KIND_NAMES,
      csrf: csrfToken(req),
    });
  });

  router.get('/inspect', async (req, res) => {
    await renderInspector(req, res, ctx);
  });

  router.post('/inspect', verifyCsrf, async (req, res) => {
    const pasted = typeof req.body?.token === 'string' ? req.body.token.trim().slice(0, 8000) : '';
    await renderInspector(req, res, ctx, pasted || undefined);
  });

  router.get('/step', (req, res) => {
    const interstitial = currentInterstitial(req, ctx);
    if (!interstitial) {
      req.session.notice = { kind: 'info', text: 'There is no paused step: start a flow with step-through mode on.' };
      res.redirect(303, '/');
      return;
    }
    res.render('step', { title: interstitial.heading, activeSteps: interstitial.steps, step: interstitial, csrf: csrfToken(req) });
  });

  // A reload of the page the Continue button led to (the browser shows /step/continue): back to the paused step,
  // if any. Continuing itself is a POST with the form token.
  router.get('/step/continue', (_req, res) => {
    res.redirect(303, '/step');
  });

  router.post('/step/continue', verifyCsrf, async (req, res) => {
    const hop = req.session.stepHop;
    delete req.session.stepHop;
    if (!hop || Date.now() - hop.createdAt > STEP_HOP_TTL_MS || hop.kind === 'authorize') {
      req.session.notice = { kind: 'info', text: 'That paused step expired or was already continued. Start again.' };
      res.redirect(303, '/');
      return;
    }
    const metadata = await ctx.metadata.get();
    const traceId = req.session.traces?.at(-1)?.id;
    if (hop.kind === 'callback') {
      if (traceId) describeExchange(res, { key: traceId, from: 'browser', channel: 'front', label: 'Continue (step-through): Photo Printer checks state and iss' });
      const checked = checkCallback(req, hop.query, metadata);
      if (checked.outcome === 'denied') {
        renderDenied(req, res, checked.description);
        return;
      }
      req.session.stepHop = { kind: 'token', code: checked.code, code_verifier: checked.code_verifier, createdAt: Date.now() };
      res.redirect(303, '/step');
      return;
    }
    if (traceId) describeExchange(res, { key: traceId, from: 'browser', channel: 'front', label: 'Continue (step-through): Photo Printer sends the token request' });
    const tokens = await exchangeAuthorizationCode(ctx.tokenEndpoint, hop.code, hop.code_verifier);
    await finishConnection(req, res, ctx, metadata.issuer, tokens);
  });

  return router;
}

const KIND_NAMES: Record<TraceInfo['kind'], string> = {
  authorization_code: 'Authorization Code + PKCE',
  client_credentials: 'Client Credentials',
  device_code: 'Device Authorization',
  refresh_token: 'Refresh token (re-order)',
};

/** Photo Printer's own records: masked unless instructor mode. A peer's: as the peer sent them (it masks). */
function showExchange(e: MergedExchange, instructor: boolean): MergedExchange {
  const own = e.recordedBy === 'printer' && !instructor ? maskExchange(e) : e;
  if (!e.clientCopy) return own;
  return { ...own, clientCopy: instructor ? e.clientCopy : maskExchange(e.clientCopy) };
}

function currentInterstitial(req: Request, ctx: AppContext): Interstitial | undefined {
  const hop = req.session.stepHop;
  if (!hop || Date.now() - hop.createdAt > STEP_HOP_TTL_MS) return undefined;
  const reveal = isInstructor(req);
  if (hop.kind === 'authorize') return authorizeInterstitial(hop);
  if (hop.kind === 'callback') return callbackInterstitial(hop, ctx.config.client.redirectUri, reveal);
  const endpoint = `${ctx.config.auth.publicUrl}/token`;
  return tokenInterstitial(hop, ctx.config.client, endpoint, reveal);
}

async function renderInspector(req: Request, res: Response, ctx: AppContext, pasted?: string): Promise<void> {
  const instructor = isInstructor(req);
  const own = (req.session.traces ?? []).flatMap((t) => ctx.recorder.list(t.id));
  const met: MetToken[] = uniqueTokens([...tokensInSession(req), ...tokensInRecordings(own)]).slice(0, 20);
  const keys = await fetchJwks(ctx);
  const now = Date.now();
  const inspected: InspectedToken[] = [];
  for (const token of met) inspected.push(await inspectToken(token, keys, instructor, now));
  // A pasted token is the learner's own input: shown back in full (it is already on their screen).
  const pastedResult = pasted ? await inspectToken({ kind: 'pasted', value: pasted, source: 'Pasted into the form above' }, keys, true, now) : undefined;
  res.status(pasted && !pastedResult ? 400 : 200).render('inspect', {
    title: 'Token inspector',
    activeSteps: [8],
    tokens: inspected,
    pasted: pastedResult,
    pastedValue: pasted ?? '',
    keysFetched: keys !== null,
    kids: keys ? keys.keys.map((k) => `${String(k.kid ?? '(no kid)')} (${String(k.alg ?? k.kty ?? '?')})`) : [],
    kindLabels: KIND_LABELS,
    instructor,
    now,
    csrf: csrfToken(req),
  });
}
