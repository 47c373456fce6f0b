/**
 * @module server
 *
 * Starts the drive: read the configuration once, build the app, listen.
 */
import { ConfigError, listen, stopOnSignals } from '@oauth-demo/web';
import { createApp } from './app.js';
import { loadConfig } from './config.js';

try {
  const config = loadConfig();
  const { app, close, keepTokenValidationReady } = await createApp(config);
  const started = await listen(app, config.port, config.host);
  // Fetch the auth server's keys now rather than on the first request (retried until the auth server is up).
  keepTokenValidationReady();
  const validation =
    config.tokenValidation.mode === 'jwt'
      ? 'verifies JWTs locally'
      : `introspects them as client "${config.tokenValidation.clientId}"`;
  console.log(
    `Drive (Resource Server) on ${config.publicUrl} (listening on ${config.host}:${started.port}; trusts tokens from ${config.issuer}, ${validation})`,
  );
  stopOnSignals(async () => {
    await started.close();
    close();
  });
} catch (err) {
  if (err instanceof ConfigError || (err instanceof Error && /already in use/.test(err.message))) {
    console.error(`drive: ${err.message}`);
    process.exit(1);
  }
  throw err;
}
