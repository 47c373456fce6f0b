import { ALL_SERVICES, stopService } from './services.js';

export default async function globalTeardown() {
  for (const name of ALL_SERVICES) await stopService(name);
}
