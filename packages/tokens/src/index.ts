/**
 * @module @oauth-demo/tokens
 *
 * Framework-free OAuth 2 protocol code shared by the auth server, the drive and the printer.
 */
export * from './access_token.js';
export * from './bearer.js';
export * from './client_auth.js';
export * from './display.js';
export * from './errors.js';
export * from './keys.js';
export * from './params.js';
export * from './pkce.js';
export * from './protocol.js';
export * from './scope.js';
