import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from '../support/browser.js';

const printerUrl = process.env.INTEROP_PRINTER_URL;
if (!printerUrl)
  throw new Error(
    'Run the interop test with "node interop/run.mjs" (it starts node-oidc-provider, Drive and the printer).',
  );

export default defineConfig({
  testDir: '.',
  testMatch: '*.spec.ts',
  workers: 1,
  fullyParallel: false,
  // Generous: the machine may be busy; nothing here measures time.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  retries: 0,
  reporter: [['list']],
  outputDir: '../test-results/interop',
  use: {
    baseURL: printerUrl,
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    // oidc-provider's development pages ask Google for a font: never reach the internet from a test.
    launchOptions: chromiumLaunchOptions(['MAP fonts.googleapis.com ~NOTFOUND', 'MAP fonts.gstatic.com ~NOTFOUND']),
  },
});
