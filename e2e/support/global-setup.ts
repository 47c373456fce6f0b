import { ALL_SERVICES_WITH_ATTACKER, startService } from './services.js';

export default async function globalSetup() {
  for (const name of ALL_SERVICES_WITH_ATTACKER) await startService(name);
}
