/**
 * @module server
 *
 * `node dist/server.js`: read the configuration, build the app, listen, and stop cleanly on Ctrl-C.
 */
import { ConfigError, listen, stopOnSignals } from '@oauth-demo/web';
import { createApp } from './app.js';
import { loadConfig, type PrinterConfig } from './config.js';

let config: PrinterConfig;
try {
  config = loadConfig();
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`Photo Printer: configuration error: ${error.message}`);
    process.exit(1);
  }
  throw error;
}

const printer = createApp(config);
try {
  const started = await listen(printer.app, config.printer.port, config.host);
  console.log(`Photo Printer (Client) on ${config.printer.publicUrl} — open this in your browser`);
  console.log(
    `  listening on ${config.host}:${started.port}; auth server at ${config.auth.internalUrl}, Drive at ${config.drive.internalUrl} (back channel)`,
  );
  stopOnSignals(async () => {
    await started.close();
    await printer.close();
  });
} catch (error) {
  console.error(`Photo Printer: ${error instanceof Error ? error.message : String(error)}`);
  await printer.close();
  process.exit(1);
}
