/**
 * @module app
 *
 * Builds the auth server's express app (no listening here: see server.ts), so tests can run it on any port.
 */
import { join } from 'node:path';
import express, { type Express } from 'express';
import {
  presenterView,
  securityHeaders,
  sessionMiddleware,
  useSharedUi,
  type SqliteSessionStore,
  shedLoad,
  takeTurns,
} from '@oauth-demo/web';
import { Recorder, acceptTraceFromPrinter, recordExchanges, useTeachingViews } from '@oauth-demo/teaching';
import { ClientRepository } from './clients.js';
import type { AuthConfig } from './config.js';
import type { AuthContext } from './context.js';
import { errorHandler, notFound } from './errors.js';
import { startHousekeeping } from './housekeeping.js';
import { Issuer } from './issuance.js';
import { loadOrCreateSigningKey } from './keystore.js';
import { accountRouter } from './routes/account.js';
import { authorizeRouter } from './routes/authorize.js';
import { deviceAuthorizationRouter, deviceVerificationRouter } from './routes/device.js';
import { homeRouter } from './routes/home.js';
import { introspectionRouter } from './routes/introspection.js';
import { revocationRouter } from './routes/revocation.js';
import { interactionRouter } from './routes/interaction.js';
import { metadataRouter } from './routes/metadata.js';
import { learnersRouter } from './routes/learners.js';
import { recordingsRouter } from './routes/recordings.js';
import { tokenRouter } from './routes/token.js';
import { seedLab } from './lab/lab_clients.js';
import { looseRedirectRouter } from './lab/loose_redirect.js';
import { noRotationRouter } from './lab/no_rotation.js';
import { seed } from './seed.js';
import { AuthStore, openAuthDatabase } from './store/index.js';
import { FailureThrottle } from './throttle.js';
import { TokenLookup } from './token_lookup.js';
import { UserRepository } from './users.js';
import { configurePasswordChecks } from './passwords.js';

export interface AuthServerApp {
  app: Express;
  /** The browser sessions (SQLite): tests count them. */
  sessions: SqliteSessionStore;
  context: AuthContext;
  /** Close the database and stop background timers (the HTTP server is closed by whoever listened). */
  close(): void;
}

export async function createApp(config: AuthConfig): Promise<AuthServerApp> {
  configurePasswordChecks({ maxWaitMs: config.signInMaxWaitS * 1000 });
  const db = openAuthDatabase(join(config.dataDir, 'auth.db'));
  const store = new AuthStore(db);
  const key = await loadOrCreateSigningKey(store.signingKeys);
  const clients = new ClientRepository(db);
  const users = new UserRepository(db);
  await seed(config, users, clients);
  await seedLab(config, users, clients); // the attack lab's copies (lab/lab_clients.ts); the real clients are untouched
  const ctx: AuthContext = {
    config,
    store,
    key,
    clients,
    users,
    issuer: new Issuer(store, key, config),
    loginThrottle: new FailureThrottle(),
    tokens: new TokenLookup(store, key, config.issuer, config.driveResource),
    recorder: new Recorder({ enabled: config.recording }),
  };

  const app = express();
  app.disable('x-powered-by');
  // No ETag on our answers: hashing every JSON body costs time on the token endpoint, and token responses
  // and pages are no-store anyway. (Static assets keep their own ETag; metadata and JWKS stay cacheable by
  // max-age, without revalidation.)
  app.set('etag', false);
  app.set('trust proxy', config.trustProxy);
  // Past MAX_IN_FLIGHT requests under way, 503 + Retry-After at once rather than a queue (issue 15, load_shedding.ts).
  app.use(shedLoad({ maxInFlight: config.maxInFlight, serviceName: 'The auth server' }));
  // Handlers take turns, a few ms per event-loop turn, so new connections are accepted while busy (turns.ts).
  app.use(takeTurns());
  // A traceparent counts only with the printer's proof (TRACE_SECRET); the browser's side is filed by address.
  app.use(acceptTraceFromPrinter(config.traceSecret));
  app.use(recordExchanges(ctx.recorder, 'auth', {}, { untrustedFrontChannel: true }));
  // The token endpoint before everything only pages and the demo's own routes need (the pages' security headers,
  // the shared UI's static files, the recordings and learners routes, metadata): it is the busiest route, and each
  // layer express walks past costs every request (bench/README.md, benchmark 2). Its JSON answers carry what
  // RFC 6749 §5.1 asks for (Cache-Control: no-store, Pragma: no-cache; routes/back_channel.ts); CSP and
  // X-Frame-Options are for pages (docs/security.md §S5; shedLoad's busy page sets them itself).
  app.use(tokenRouter(ctx));
  app.use(securityHeaders);
  useSharedUi(app, join(import.meta.dirname, '..', 'views'), {
    name: 'Auth server',
    role: 'Authorization Server',
    tone: 'as',
  });
  useTeachingViews(app, { glossaryUrl: config.printerUrl });
  app.use(recordingsRouter(ctx));
  app.use(learnersRouter(ctx)); // the printer's exercises and class board (issue 18), the printer only

  // Machine endpoints: no cookies, no session.
  app.use(metadataRouter(ctx));
  app.use(noRotationRouter(ctx)); // the attack lab's refresh without rotation (scenario 7); /token above rotates
  app.use(introspectionRouter(ctx));
  app.use(revocationRouter(ctx));
  app.use(deviceAuthorizationRouter(ctx));

  // Browser endpoints: a session of our own (cookie `auth.sid`), form bodies.
  // Expired codes and tokens are deleted an hour after they stop being usable (housekeeping.ts).
  const housekeeping = startHousekeeping(store);

  // Signed in: 8 hours. A request under way without a user (the login page of a flow): an hour after its last use.
  const session = sessionMiddleware({
    cookieName: 'auth.sid',
    secret: config.sessionSecret,
    db,
    publicUrl: config.issuer,
    isSignedIn: (data) => data.userId !== undefined,
  });
  app.use(session.middleware);
  // Presenter view, switched on from the printer's instructor mode (packages/web/src/presenter.ts).
  app.use(
    presenterView({
      trustedOrigins: [config.printerUrl, config.driveResource],
      links: {
        timeline: `${config.printerUrl}/timeline`,
        inspector: `${config.printerUrl}/inspect`,
        lesson: `${config.printerUrl}/lesson`,
        lessonNext: `${config.printerUrl}/lesson/next`,
      },
    }),
  );
  app.use(express.urlencoded({ extended: false, limit: '10kb', parameterLimit: 50 }));
  app.use(homeRouter(ctx));
  app.use(authorizeRouter(ctx));
  app.use(looseRedirectRouter(ctx)); // the attack lab's loosened copy (scenario 3); /authorize above is exact
  app.use(interactionRouter(ctx));
  app.use(accountRouter(ctx));
  app.use(deviceVerificationRouter(ctx));

  app.use(notFound);
  app.use(errorHandler(config.issuer));

  return {
    app,
    sessions: session.store,
    context: ctx,
    close(): void {
      housekeeping.stop();
      session.store.close();
      db.close();
    },
  };
}
