/**
 * @module app
 *
 * Photo Printer, the Client of the demo: a confidential web application (RFC 6749 §2.1) that runs on a server,
 * holds a client secret, and keeps the tokens on that server.
 *
 * createApp() builds the express app without listening, so tests run it on a free port; close() releases the
 * database, the session store's timer and the back channel's sockets.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Express } from 'express';
import {
  noStore,
  securityHeaders,
  sessionMiddleware,
  shedLoad,
  takeTurns,
  useSharedUi,
  type SqliteSessionStore,
} from '@oauth-demo/web';
import {
  Recorder,
  createDemoKey,
  currentTraceId,
  endFlowOfCall,
  recordBackChannel,
  recordExchanges,
  traceContext,
  useTeachingViews,
} from '@oauth-demo/teaching';
import { createBackChannel, describeNetworkError } from '@oauth-demo/back-channel';
import { type PrinterConfig, databaseFile, ordersDir } from './config.js';
import type { AppContext } from './context.js';
import { OrderRepository, openPrinterDatabase } from './db.js';
import { DriveClient } from './drive_client.js';
import { errorHandler, notFoundHandler } from './errors.js';
import { ExerciseRepository } from './exercises.js';
import { formatPrice, formatRelative, formatTime } from './format.js';
import { MetadataClient } from './oauth/metadata.js';
import { PrintLab } from './print_lab.js';
import { exercisesRoutes } from './routes/exercises.js';
import { homeRoutes } from './routes/home.js';
import { kioskRoutes } from './routes/kiosk.js';
import { labRoutes } from './routes/lab.js';
import { oauthRoutes } from './routes/oauth.js';
import { ordersRoutes } from './routes/orders.js';
import { photosRoutes } from './routes/photos.js';
import { printLabRoutes } from './routes/print_lab.js';
import { quickPrintRoutes } from './routes/quick_print.js';
import { requestBuilderRoutes } from './routes/request_builder.js';
import { teachingLocals, teachingRoutes } from './routes/teaching/index.js';
import './session_data.js';

export interface PrinterApp {
  app: Express;
  /** The browser sessions (SQLite): tests count them. */
  sessions: SqliteSessionStore;
  context: AppContext;
  close(): Promise<void>;
}

/** 30 days. The tokens in the session are bounded by their own lifetimes at the auth server, not by this. */
const SESSION_MAX_AGE_MS = 30 * 24 * 60 * 60 * 1000;

/** How the printer names itself to its peers: they file our calls under the Client's lane (partyFromUserAgent). */
const USER_AGENT = 'photo-printer/1.0';

const VIEWS_DIR = join(import.meta.dirname, '..', 'views');

/** The printer's own browser files (the quick-print scripts, a small stylesheet), served at /assets/printer. */
const ASSETS_DIR = join(import.meta.dirname, '..', 'assets');

/** Where @noble/hashes is installed, and the module files its sha256 needs (sha2.js and what it imports). */
const NOBLE_HASHES_DIR = dirname(fileURLToPath(import.meta.resolve('@noble/hashes/sha2.js')));
const NOBLE_HASHES_FILES = new Set(['sha2.js', '_md.js', '_u64.js', 'utils.js']);

export function createApp(config: PrinterConfig): PrinterApp {
  const db = openPrinterDatabase(databaseFile(config));
  // The printer's side of each flow, for the timeline (TIMELINE_RECORDING; in memory, bounded).
  const recorder = new Recorder({ enabled: config.recording });
  // The teaching layer traces and records the back channel's calls (the timeline); the client's code knows nothing of it.
  const backChannel = createBackChannel({
    timeoutMs: config.httpTimeoutMs,
    userAgent: USER_AGENT,
    instrument: (http) =>
      recordBackChannel(http, {
        traceId: currentTraceId,
        recorder,
        auth: config.auth,
        drive: config.drive,
        userAgent: USER_AGENT,
        traceSecret: config.traceSecret,
        describeFailure: describeNetworkError,
        // Drive's answer is every grant's last step; a refused token request fails the flow: either ends it.
        flowEnded: endFlowOfCall,
      }),
  });
  const metadata = new MetadataClient(backChannel.http, config.auth);
  const drive = new DriveClient(backChannel.http, config.drive);
  const context: AppContext = {
    config,
    metadata,
    tokenEndpoint: {
      http: backChannel.http,
      metadata,
      client: config.client,
      authInternalUrl: config.auth.internalUrl,
    },
    drive,
    orders: new OrderRepository(db),
    exercises: new ExerciseRepository(db),
    ordersDir: ordersDir(config),
    printLab: new PrintLab(
      { http: backChannel.http, metadata, authInternalUrl: config.auth.internalUrl },
      config.printLab,
      drive,
    ),
    recorder,
    backChannel,
    demoKey: createDemoKey(),
  };

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(securityHeaders);
  // Past MAX_IN_FLIGHT requests under way, 503 + Retry-After at once rather than a queue (issue 15, load_shedding.ts).
  app.use(shedLoad({ maxInFlight: config.maxInFlight, serviceName: 'Photo Printer' }));
  // Handlers take turns, a few ms per event-loop turn, so new connections are accepted while busy (turns.ts).
  app.use(takeTurns());
  useSharedUi(app, VIEWS_DIR, { name: 'Photo Printer', role: 'Client', tone: 'client' });
  useTeachingViews(app);
  Object.assign(app.locals, { formatPrice, formatTime, formatRelative });
  // Static files of the printer's own pages: scripts are files of this origin (CSP script-src 'self'), never inline.
  app.use('/assets/printer', express.static(ASSETS_DIR, { maxAge: '1h', index: false }));
  // The quick-print page's SHA-256 when the browser has no crypto.subtle (plain http from a LAN address): the
  // files of @noble/hashes (exact version in package.json) from node_modules, never a CDN. Only these files.
  app.get('/assets/vendor/noble-hashes/:file', (req, res, next) => {
    if (!NOBLE_HASHES_FILES.has(req.params.file)) return next();
    // root: pnpm keeps packages under node_modules/.pnpm, a dot folder send() would otherwise refuse.
    res
      .type('text/javascript')
      .set('cache-control', 'public, max-age=3600')
      .sendFile(req.params.file, { root: NOBLE_HASHES_DIR });
  });

  // Health first: no session, no body parsing (docker-compose and Playwright poll it).
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.use(express.urlencoded({ extended: false, limit: '20kb' }));
  const sessions = sessionMiddleware({
    cookieName: 'printer.sid',
    secret: config.sessionSecret,
    db,
    publicUrl: config.printer.publicUrl,
    // A print shop remembers your orders for a while: the session is what lets this browser see them again.
    maxAgeMs: SESSION_MAX_AGE_MS,
    // Tokens or orders: kept 30 days. Anything else (a flow started and left): an hour after its last use.
    isSignedIn: (data) => data.connection !== undefined || data.browserKey !== undefined,
  });
  app.use(sessions.middleware);
  // Every page below shows personal data or carries a form token: never cached (RFC 6749 §5.1 in spirit).
  app.use(noStore);
  // Behind the scenes: each request knows its flow's trace; the hops a route describes are recorded (timeline).
  app.use(traceContext(), recordExchanges(recorder, 'printer'), teachingLocals(context));

  app.use(homeRoutes(context));
  app.use(oauthRoutes(context));
  app.use(photosRoutes(context));
  app.use(ordersRoutes(context));
  app.use(quickPrintRoutes(context));
  app.use(requestBuilderRoutes(context)); // step 2 by hand (issue 18 item 5)
  app.use(printLabRoutes(context));
  app.use(kioskRoutes(context));
  app.use(labRoutes(context)); // the attack lab (issue 16): lab copies only, the real flow above is untouched
  app.use(teachingRoutes(context));
  app.use(exercisesRoutes(context)); // exercises the demo checks, and the class board (issue 18 items 3-4)
  app.use(notFoundHandler);
  app.use(errorHandler);

  return {
    app,
    sessions: sessions.store,
    context,
    async close() {
      sessions.store.close();
      backChannel.close();
      db.close();
    },
  };
}
