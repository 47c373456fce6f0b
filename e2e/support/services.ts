/**
 * The three real services of this run (and Mallory's site, the attack lab's attacker), started from their compiled output the way users start them, on the
 * ports run.mjs chose (the stack travels in E2E_* variables, because Playwright's workers are other processes).
 * Starting, crashing and stopping them by PID is @oauth-demo/testkit's job, shared with the conformance suite.
 */
import * as testkit from '@oauth-demo/testkit';

export type ServiceName = testkit.ServiceName;
/** The real three and Mallory's site (the attack lab's attacker): what the e2e run starts. */
export const ALL_SERVICES_WITH_ATTACKER = testkit.ALL_SERVICES_WITH_ATTACKER;

function stack(): testkit.Stack {
  return testkit.stackFromEnv('E2E', process.env, 'run the e2e suite with "pnpm e2e" (e2e/run.mjs picks the ports)');
}

export function urls() {
  return testkit.publicUrls(stack());
}

export async function startService(name: ServiceName): Promise<void> {
  await testkit.startService(name, stack());
}

/** Stop one service we started. `SIGKILL` simulates a crash: nothing gets a chance to flush. */
export async function stopService(name: ServiceName, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  await testkit.stopService(name, stack(), signal);
}

export async function restartService(name: ServiceName, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
  await testkit.restartService(name, stack(), signal);
}
