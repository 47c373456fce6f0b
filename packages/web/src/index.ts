/**
 * @module @oauth-demo/web
 *
 * What the three express apps share that is not OAuth protocol: look and feel, headers, CSRF, storage.
 */
export * from './config.js';
export * from './csrf.js';
export * from './database.js';
export * from './errors.js';
export * from './private_files.js';
export * from './secrets.js';
export * from './security_headers.js';
export * from './server.js';
export * from './session.js';
export * from './session_store.js';
export * from './ui.js';
export * from './presenter.js';
export * from './load_shedding.js';
export * from './turns.js';
