import { ALL_SERVICES, startService } from './services.js';

export default async function globalSetup() {
  for (const name of ALL_SERVICES) await startService(name);
}
