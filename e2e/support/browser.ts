/**
 * @module browser
 *
 * How every Playwright suite here launches Chromium (playwright.config.ts for e2e/tests, interop/playwright.config.ts
 * for the interop test, tests/class-host.spec.ts for the browser it launches itself): Debian's Chromium
 * (scripts/setup.sh installs it and sets CHROMIUM_PATH; Playwright's own download needs the internet), no sandbox
 * in a container, and nothing that reaches the internet by itself.
 */
import type { LaunchOptions } from '@playwright/test';

/**
 * `hostResolverRules`: Chromium's --host-resolver-rules (one flag, its rules joined by commas), e.g.
 * `MAP class.test 10.0.0.5` for a test host name no DNS knows, or `MAP fonts.googleapis.com ~NOTFOUND` for a page
 * that would ask the internet for something.
 */
export function chromiumLaunchOptions(hostResolverRules: string[] = []): LaunchOptions {
  return {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...(hostResolverRules.length > 0 ? [`--host-resolver-rules=${hostResolverRules.join(', ')}`] : []),
    ],
  };
}
