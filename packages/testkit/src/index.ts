/**
 * @module @oauth-demo/testkit
 *
 * What the suites that run the three real services share (e2e/, conformance/): free ports, a stack of
 * services with fresh data directories and secrets, and starting, crashing and stopping them by PID.
 */
export * from './ports.js';
export * from './services.js';
