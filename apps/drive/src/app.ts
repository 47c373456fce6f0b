/**
 * @module app
 *
 * Builds the drive's express app (no listening here: see server.ts), so tests can run it on any port.
 */
import { labRouter } from './lab.js';
import { join } from 'node:path';
import express, { type Express } from 'express';
import type { JWTVerifyGetKey } from 'jose';
import {
  loadOrCreateSecret,
  noStore,
  presenterView,
  securityHeaders,
  sessionMiddleware,
  useSharedUi,
  type SqliteSessionStore,
  shedLoad,
  takeTurns,
} from '@oauth-demo/web';
import {
  acceptTraceFromPrinter,
  isTraceId,
  maskExchange,
  Recorder,
  recordExchanges,
  useTeachingViews,
} from '@oauth-demo/teaching';
import type { DriveConfig } from './config.js';
import { openDriveDatabase } from './db.js';
import { answerErrorsAsJson, errorHandler, notFound } from './errors.js';
import { createIntrospectionValidator } from './introspection.js';
import { allowBrowserCallsFrom } from './middleware/cors.js';
import { seedGalleryIfEmpty, seedPhotosIfEmpty } from './photos/seed.js';
import { apiRouter } from './routes/api.js';
import { metadataRouter, resourceMetadataUrl } from './routes/metadata.js';
import { pagesRouter } from './routes/pages.js';
import { SESSION_COOKIE, webAppRouter } from './routes/web_app.js';
import { Readiness } from './readiness.js';
import type { TokenValidator } from './token_validator.js';
import { createTokenVerifier } from './token_verifier.js';
import { withVerifiedTokenCache } from './verified_token_cache.js';
import { createPasswordGrantClient } from './web_app/password_grant.js';
import type { AxiosInstance } from 'axios';
import { createBackChannel } from '@oauth-demo/back-channel';
import { DRIVE_USER_AGENT } from './discovery.js';

export interface DriveDeps {
  /** JWT mode: trusted keys given directly (tests: `createLocalJWKSet`), instead of discovering the auth server's JWKS. */
  keys?: JWTVerifyGetKey;
  /** Back-channel time budget (metadata, JWKS, each introspection call, the web app's token requests), in ms. Tests shorten it. */
  backChannelTimeoutMs?: number;
  /** Where operator messages go (discovery, introspection and sign-in failures); console.warn by default. */
  log?: (message: string) => void;
  /**
   * Step 8 done another way than the configuration says (the benchmark's baseline: the same app with a
   * validator that trusts any token). Everything else in the app stays the production code.
   */
  validator?: TokenValidator;
}

export interface DriveApp {
  app: Express;
  /** The browser sessions (SQLite): tests count them. */
  sessions: SqliteSessionStore;
  /**
   * Fetch what token validation needs now, in the background, and keep it fresh: retried after a failure
   * (every 0.5 s, then less often, at most every 10 s), refreshed every 5 minutes after a success. server.ts
   * calls it once listening; close() stops it. (In JWT mode: the auth server's metadata once, to find its
   * `jwks_uri`, then its keys, reloaded each time. A reload also restarts jose's 30 s cooldown, during which a
   * token naming a key it has not seen yet is refused rather than fetched: key rotation waits at most that.)
   */
  keepTokenValidationReady(): void;
  /** Close the database and stop background work (the HTTP server is closed by whoever listened). */
  close(): void;
}

export async function createApp(config: DriveConfig, deps: DriveDeps = {}): Promise<DriveApp> {
  const db = openDriveDatabase(join(config.dataDir, 'drive.db'));
  seedPhotosIfEmpty(db, config.dataDir);
  seedGalleryIfEmpty(db, config.dataDir);
  // Server to server: metadata, introspection, the web app's token requests (@oauth-demo/back-channel, axios).
  const backChannel = createBackChannel({ timeoutMs: deps.backChannelTimeoutMs ?? 5000, userAgent: DRIVE_USER_AGENT });
  const validator = deps.validator ?? createTokenValidator(config, deps, backChannel.http);
  const log = deps.log ?? ((message: string) => console.warn(`drive: ${message}`));
  const readiness = new Readiness(validator, log);
  // Drive's own first-party web app, a client of the auth server (the Password grant, routes/web_app.ts).
  const passwordGrant = createPasswordGrantClient({
    issuer: config.issuer,
    authInternalUrl: config.authInternalUrl,
    http: backChannel.http,
    client: config.webClient,
    timeoutMs: deps.backChannelTimeoutMs,
    log,
  });
  // Only the web app's pages have a session; the API knows bearer tokens only and never sets a cookie.
  const sessions = sessionMiddleware({
    cookieName: SESSION_COOKIE,
    secret: config.sessionSecret ?? loadOrCreateSecret(config.dataDir, 'session'),
    db,
    publicUrl: config.publicUrl,
    isSignedIn: (data) => data.driveWeb !== undefined,
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(securityHeaders);
  // Past MAX_IN_FLIGHT requests under way, 503 + Retry-After at once rather than a queue (issue 15, load_shedding.ts).
  app.use(shedLoad({ maxInFlight: config.maxInFlight, serviceName: 'Drive' }));
  // Handlers take turns, a few ms per event-loop turn, so new connections are accepted while busy (turns.ts).
  app.use(takeTurns());
  useSharedUi(app, join(import.meta.dirname, '..', 'views'), { name: 'Drive', role: 'Resource Server', tone: 'rs' });
  useTeachingViews(app, { glossaryUrl: config.printerUrl });
  // Behind the scenes: API calls that carry a W3C traceparent are recorded for the printer's timeline.
  const recorder = new Recorder({ enabled: config.recording });
  app.use(acceptTraceFromPrinter(config.traceSecret)); // only the printer's proven traces (TRACE_SECRET)
  app.use(recordExchanges(recorder, 'drive', {}, { untrustedFrontChannel: true }));
  app.get('/_demo/recordings/:traceId', noStore, (req, res) => {
    const traceId = String(req.params.traceId);
    if (!recorder.enabled || !isTraceId(traceId)) {
      res.status(404).json({ error: 'not_found' });
      return;
    }
    // Always masked: the bearer token is the client's to show, not ours.
    res.json({ exchanges: recorder.list(traceId).map(maskExchange) });
  });

  // Machine endpoints: JSON errors, no cookies, no session (the API knows bearer tokens only).
  app.use(['/api', '/.well-known', '/healthz'], answerErrorsAsJson);
  app.use(metadataRouter(config));
  app.use('/api', allowBrowserCallsFrom(config.printerUrl), apiRouter({ config, db, validator }));
  // The attack lab's copy of the photo list without the aud check (lab.ts, scenario 5); /api above checks aud.
  app.use('/lab', answerErrorsAsJson);
  app.use(labRouter({ config, db, http: backChannel.http }));

  // Pages for people, and Drive's own web app (sign-in with the Password grant).
  app.use(sessions.middleware);
  // Presenter view, switched on from the printer's instructor mode (packages/web/src/presenter.ts).
  app.use(
    presenterView({
      trustedOrigins: [config.printerUrl, config.issuer],
      links: {
        timeline: `${config.printerUrl}/timeline`,
        inspector: `${config.printerUrl}/inspect`,
        lesson: `${config.printerUrl}/lesson`,
        lessonNext: `${config.printerUrl}/lesson/next`,
      },
    }),
  );
  app.use(pagesRouter(config));
  app.use(webAppRouter({ config, db, validator, passwordGrant }));

  app.use(notFound);
  app.use(errorHandler(resourceMetadataUrl(config)));

  return {
    app,
    sessions: sessions.store,
    keepTokenValidationReady: () => readiness.start(),
    close(): void {
      readiness.stop();
      sessions.store.close();
      db.close();
      backChannel.close();
    },
  };
}

/** Step 8, done the way the configuration says (token_validator.ts explains the two ways). */
function createTokenValidator(config: DriveConfig, deps: DriveDeps, http: AxiosInstance): TokenValidator {
  const common = {
    issuer: config.issuer,
    audience: config.publicUrl,
    authInternalUrl: config.authInternalUrl,
    http,
    timeoutMs: deps.backChannelTimeoutMs,
    log: deps.log,
  };
  const validation = config.tokenValidation;
  switch (validation.mode) {
    case 'jwt':
      // Verified tokens are remembered for at most a minute, never past their exp (verified_token_cache.ts): the printer sends one
      // token for the list and again for every thumbnail. Not in introspection mode, whose point is that a
      // revocation counts at once.
      return withVerifiedTokenCache(
        createTokenVerifier({ ...common, algorithms: config.tokenAlgorithms, keys: deps.keys }),
      );
    case 'introspection':
      return createIntrospectionValidator({
        ...common,
        clientId: validation.clientId,
        clientSecret: validation.clientSecret,
      });
  }
}
