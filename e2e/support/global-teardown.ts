import { ALL_SERVICES_WITH_ATTACKER, stopService } from './services.js';

export default async function globalTeardown() {
  for (const name of ALL_SERVICES_WITH_ATTACKER) await stopService(name);
}
