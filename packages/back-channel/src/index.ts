/**
 * @module @oauth-demo/back-channel
 *
 * Server-to-server HTTP, shared by the Client (apps/printer), the Resource Server (apps/drive) and the bench: axios
 * with the back channel's rules, the public→internal URL rewrite, RFC 8414 discovery, network errors in words,
 * and the protocol's names (from @oauth-demo/tokens, re-exported for the callers of this package).
 */
export * from './discovery.js';
export * from './http.js';
export * from './urls.js';
export { DEVICE_CODE_GRANT_TYPE } from '@oauth-demo/tokens';
