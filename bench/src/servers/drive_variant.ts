/**
 * @module servers/drive_variant
 *
 * The drive's own app (apps/drive createApp, the production code: same middleware, routes, database, seed)
 * with another TokenValidator injected (`DriveDeps.validator`), run as its own process on the same CPU as the
 * real drive, for benchmark 1. By BENCH_VARIANT:
 *
 * - `no-auth`      trusts any bearer token without looking at it and answers for alice: the same route
 *                  WITHOUT authentication (the baseline of the ratio);
 * - `per-request`  the drive's own verifier (createTokenVerifier) without the verified-token cache: one jose
 *                  ES256 verification per request, which is what the cache saves.
 */
import type { AccessTokenClaims } from '@oauth-demo/tokens';
import { listen, stopOnSignals } from '@oauth-demo/web';
import { createApp } from '@oauth-demo/drive/app';
import { loadConfig } from '@oauth-demo/drive/config';
import type { TokenValidator } from '@oauth-demo/drive/token_validator';
import { createTokenVerifier } from '@oauth-demo/drive/token_verifier';

const variant = process.env.BENCH_VARIANT ?? 'no-auth';
const listenPort = Number(process.env.BENCH_LISTEN_PORT);
const config = loadConfig(process.env);

function validatorFor(name: string): TokenValidator {
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
    case 'per-request':
      return createTokenVerifier({
        issuer: config.issuer,
        audience: config.publicUrl,
        authInternalUrl: config.authInternalUrl,
      });
    default:
      throw new Error(`BENCH_VARIANT must be no-auth or per-request, got "${name}"`);
  }
}

const drive = await createApp(config, { validator: validatorFor(variant) });
const started = await listen(drive.app, listenPort, config.host);
drive.keepTokenValidationReady();
console.log(`drive variant "${variant}" on ${config.host}:${started.port} (answers as ${config.publicUrl})`);
stopOnSignals(async () => {
  await started.close();
  drive.close();
});
