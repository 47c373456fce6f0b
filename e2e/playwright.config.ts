import { defineConfig } from '@playwright/test';
import { chromiumLaunchOptions } from './support/browser.js';

const printerPort = process.env.E2E_PRINTER_PORT;
if (!printerPort)
  throw new Error('Run the e2e suite with "pnpm e2e" (e2e/run.mjs picks free ports and starts nothing twice).');
// The host name of the public URLs (run.mjs: E2E_PUBLIC_HOST, e.g. a class's CLASS_HOST) and, for a test host
// name no DNS knows, the address Chromium resolves it to (E2E_PUBLIC_HOST_ADDRESS).
const publicHost = process.env.E2E_PUBLIC_HOST || 'localhost';
const publicHostAddress = process.env.E2E_PUBLIC_HOST_ADDRESS;
if (publicHostAddress && !/^[\d.]+$|^\[[\da-f:]+\]$/i.test(publicHostAddress))
  throw new Error('E2E_PUBLIC_HOST_ADDRESS must be an IP address');

export default defineConfig({
  testDir: './tests',
  // One worker: the flows share three real services and a 2-core machine.
  workers: 1,
  fullyParallel: false,
  timeout: 30_000,
  expect: { timeout: 5_000 },
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  globalSetup: './support/global-setup.ts',
  globalTeardown: './support/global-teardown.ts',
  outputDir: 'test-results',
  use: {
    baseURL: `http://${publicHost}:${printerPort}`,
    headless: true,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: chromiumLaunchOptions(publicHostAddress ? [`MAP ${publicHost} ${publicHostAddress}`] : []),
  },
});
