/**
 * @module servers/drive_variant
 *
 * The "same route" for benchmark 1, run as its own process (like the real drive, on the same CPU).
 *
 * apps/drive's createApp() builds its token validator itself and takes no other one, so this file rebuilds
 * the part of the drive's app that a request to `GET /api/photos` passes through, in the drive's own order,
 * from the drive's own compiled modules: trust proxy, securityHeaders, the shared UI setup, the timeline
 * recorder, answerErrorsAsJson, the metadata router, the CORS guard and the drive's apiRouter (its requireAccessToken middleware and its
 * photo-list handler, on its own database seeded by its own seed code), then notFound and errorHandler.
 * (The session middleware and the pages come after /api in the drive and are never reached by this route.)
 * Only the TokenValidator handed to apiRouter differs, by BENCH_VARIANT:
 *
 * - `no-auth`    trusts any bearer token without looking at it and answers for alice: the route WITHOUT
 *                authentication (the baseline of the ratio);
 * - `jwt`        the drive's own createTokenVerifier (control: should measure like the real drive process);
 * - `jwt-cached` the drive's own createTokenVerifier wrapped in bench/proposals/verified_token_cache.ts
 *                (what the drive would measure with the proposal wired in).
 *
 * This copy has to follow apps/drive/src/app.ts by hand; the `control` target shows when it no longer does
 * (control ÷ production far from 1.00x). With a validator option on the drive's createApp
 * (`DriveDeps.validator`, one line), this file would shrink to `createApp(config, { validator })` and measure
 * exactly the production app.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { AccessTokenClaims } from '@oauth-demo/tokens';
import { listen, noStore, Recorder, recordExchanges, securityHeaders, stopOnSignals, useSharedUi } from '@oauth-demo/web';
import { loadConfig } from '@oauth-demo/drive/dist/config.js';
import { openDriveDatabase } from '@oauth-demo/drive/dist/db.js';
import { answerErrorsAsJson, errorHandler, notFound } from '@oauth-demo/drive/dist/errors.js';
import { allowBrowserCallsFrom } from '@oauth-demo/drive/dist/middleware/cors.js';
import { seedGalleryIfEmpty, seedPhotosIfEmpty } from '@oauth-demo/drive/dist/photos/seed.js';
import { apiRouter } from '@oauth-demo/drive/dist/routes/api.js';
import { metadataRouter, resourceMetadataUrl } from '@oauth-demo/drive/dist/routes/metadata.js';
import type { TokenValidator } from '@oauth-demo/drive/dist/token_validator.js';
import { createTokenVerifier } from '@oauth-demo/drive/dist/token_verifier.js';
import { withVerifiedTokenCache } from '../../proposals/verified_token_cache.js';

const variant = process.env.BENCH_VARIANT ?? 'no-auth';
const listenPort = Number(process.env.BENCH_LISTEN_PORT);
const config = loadConfig(process.env);

function validatorFor(name: string): TokenValidator {
  const verifier = () =>
    createTokenVerifier({ issuer: config.issuer, audience: config.publicUrl, authInternalUrl: config.authInternalUrl });
  switch (name) {
    case 'no-auth': {
      // No authentication: whatever the bearer says, alice's photos. Fixed claims, nothing parsed or checked.
      const now = Math.floor(Date.now() / 1000);
      const claims: AccessTokenClaims = {
        iss: config.issuer,
        sub: 'alice',
        aud: config.publicUrl,
        client_id: 'photo-printer',
        scope: 'photos.read',
        iat: now,
        exp: now + 3600,
        jti: 'bench-no-auth',
      };
      return { validate: async () => claims };
    }
    case 'jwt':
      return verifier();
    case 'jwt-cached':
      return withVerifiedTokenCache(verifier());
    default:
      throw new Error(`BENCH_VARIANT must be no-auth, jwt or jwt-cached, got "${name}"`);
  }
}

const db = openDriveDatabase(join(config.dataDir, 'drive.db'));
seedPhotosIfEmpty(db, config.dataDir);
seedGalleryIfEmpty(db, config.dataDir);
const validator = validatorFor(variant);

// The drive's app.ts, in its order, up to and including the API (see the module comment).
const driveViews = join(dirname(fileURLToPath(import.meta.resolve('@oauth-demo/drive/package.json'))), 'views');
const app = express();
app.disable('x-powered-by');
app.set('trust proxy', config.trustProxy);
app.use(securityHeaders);
useSharedUi(app, driveViews, { name: 'Drive', role: 'Resource Server', tone: 'rs' });
const recorder = new Recorder({ enabled: config.recording });
app.use(recordExchanges(recorder, 'drive'));
app.get('/_demo/recordings/:traceId', noStore, (_req, res) => {
  res.status(404).json({ error: 'not_found' }); // a route the drive has here; never reached by this benchmark
});
app.use(['/api', '/.well-known', '/healthz'], answerErrorsAsJson);
app.use(metadataRouter(config));
app.use('/api', allowBrowserCallsFrom(config.printerUrl), apiRouter({ config, db, validator }));
app.use(notFound);
app.use(errorHandler(resourceMetadataUrl(config)));

const started = await listen(app, listenPort, config.host);
console.log(`drive variant "${variant}" on ${config.host}:${started.port} (answers as ${config.publicUrl})`);
stopOnSignals(async () => {
  await started.close();
  db.close();
});
