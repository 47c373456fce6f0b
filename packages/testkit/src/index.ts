/**
 * @module @oauth-demo/testkit
 *
 * What the suites that run the three real services share (e2e/, conformance/): free ports, a stack of
 * services with fresh data directories and secrets, and starting, crashing and stopping them by PID; and the
 * vocabulary of malformed requests that the robustness tests (one service's, the conformance suite's) send.
 */
export * from './ports.js';
export * from './services.js';
export * from './malformed.js';
