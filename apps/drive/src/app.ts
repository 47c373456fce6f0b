/**
 * @module app
 *
 * Builds the drive's express app (no listening here: see server.ts), so tests can run it on any port.
 */
import { join } from 'node:path';
import express, { type Express } from 'express';
import type { JWTVerifyGetKey } from 'jose';
import { isTraceId, loadOrCreateSecret, maskExchange, noStore, Recorder, recordExchanges, securityHeaders, sessionMiddleware, useSharedUi } from '@oauth-demo/web';
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
import type { TokenValidator } from './token_validator.js';
import { createTokenVerifier } from './token_verifier.js';
import { createPasswordGrantClient } from './web_app/password_grant.js';

export interface DriveDeps {
  /** JWT mode: trusted keys given directly (tests: `createLocalJWKSet`), instead of discovering the auth server's JWKS. */
  keys?: JWTVerifyGetKey;
  /** Back-channel time budget (metadata, JWKS, each introspection call, the web app's token requests), in ms. Tests shorten it. */
  backChannelTimeoutMs?: number;
  /** Where operator messages go (discovery, introspection and sign-in failures); console.warn by default. */
  log?: (message: string) => void;
}

export interface DriveApp {
  app: Express;
  /** Close the database (the HTTP server is closed by whoever listened). */
  close(): void;
}

export async function createApp(config: DriveConfig, deps: DriveDeps = {}): Promise<DriveApp> {
  const db = openDriveDatabase(join(config.dataDir, 'drive.db'));
  seedPhotosIfEmpty(db, config.dataDir);
  seedGalleryIfEmpty(db, config.dataDir);
  const validator = createTokenValidator(config, deps);
  const log = deps.log ?? ((message: string) => console.warn(`drive: ${message}`));
  // Drive's own first-party web app, a client of the auth server (the Password grant, routes/web_app.ts).
  const passwordGrant = createPasswordGrantClient({
    issuer: config.issuer,
    authInternalUrl: config.authInternalUrl,
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
  });

  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.trustProxy);
  app.use(securityHeaders);
  useSharedUi(app, join(import.meta.dirname, '..', 'views'), { name: 'Drive', role: 'Resource Server', tone: 'rs' });
  // Behind the scenes: API calls that carry a W3C traceparent are recorded for the printer's timeline.
  const recorder = new Recorder({ enabled: config.recording });
  app.use(recordExchanges(recorder, 'drive'));
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

  // Pages for people, and Drive's own web app (sign-in with the Password grant).
  app.use(sessions.middleware);
  app.use(pagesRouter(config));
  app.use(webAppRouter({ config, db, validator, passwordGrant }));

  app.use(notFound);
  app.use(errorHandler(resourceMetadataUrl(config)));

  return {
    app,
    close(): void {
      sessions.store.close();
      db.close();
    },
  };
}

/** Step 8, done the way the configuration says (token_validator.ts explains the two ways). */
function createTokenValidator(config: DriveConfig, deps: DriveDeps): TokenValidator {
  const common = {
    issuer: config.issuer,
    audience: config.publicUrl,
    authInternalUrl: config.authInternalUrl,
    timeoutMs: deps.backChannelTimeoutMs,
    log: deps.log,
  };
  const validation = config.tokenValidation;
  switch (validation.mode) {
    case 'jwt':
      return createTokenVerifier({ ...common, keys: deps.keys });
    case 'introspection':
      return createIntrospectionValidator({ ...common, clientId: validation.clientId, clientSecret: validation.clientSecret });
  }
}
