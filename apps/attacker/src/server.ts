/**
 * @module server
 *
 * `node dist/server.js`: read the configuration, build the app, listen, and stop cleanly on Ctrl-C.
 */
import { ConfigError, listen, stopOnSignals } from '@oauth-demo/web';
import { createApp } from './app.js';
import { type AttackerConfig, loadConfig } from './config.js';

let config: AttackerConfig;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Mallory's site: configuration error: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

const attacker = createApp(config);
try {
  const started = await listen(attacker.app, config.attacker.port, config.host);
  console.log(`Mallory's site (the attacker of the attack lab) on ${config.attacker.publicUrl}`);
  stopOnSignals(async () => {
    await started.close();
    await attacker.close();
  });
} catch (error) {
  console.error(`Mallory's site: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
