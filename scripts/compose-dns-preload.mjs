// A `node --import` preload for scripts/check-compose.mjs only: it makes the docker-compose service names
// (given in this module's URL, `compose-dns-preload.mjs?names=auth,drive,printer`) resolve to 127.0.0.1 inside
// the process, the way the compose network resolves them inside a container. No /etc/hosts edit, nothing
// outside the process changes, every other name resolves as usual. It patches dns.lookup and
// dns.promises.lookup, which net.connect uses for every TCP connection: undici's fetch and axios (node:http) both
// go through it (check-compose.mjs verifies that before it relies on it).
// Typechecked with JSDoc (scripts/tsconfig.json); dns.lookup's overloads are passed through untyped.
import dns from 'node:dns';
import { syncBuiltinESMExports } from 'node:module';

const names = new Set(
  (new URL(import.meta.url).searchParams.get('names') ?? '')
    .split(',')
    .map((n) => n.trim().toLowerCase())
    .filter(Boolean),
);
if (names.size === 0)
  throw new Error('compose-dns-preload.mjs: no names given (import it as compose-dns-preload.mjs?names=auth,drive)');

const LOOPBACK = { address: '127.0.0.1', family: 4 };
/** @param {unknown} hostname */
const ours = (hostname) => typeof hostname === 'string' && names.has(hostname.toLowerCase());

/** @typedef {(...args: any[]) => any} Untyped */
const originalLookup = /** @type {Untyped} */ (dns.lookup);
/**
 * dns.lookup(hostname[, options], callback), for every overload of it.
 * @param {string} hostname @param {any} options @param {any} [callback]
 */
function lookup(hostname, options, callback) {
  if (typeof options === 'function') {
    callback = options;
    options = {};
  }
  if (!ours(hostname)) return originalLookup.call(dns, hostname, options, callback);
  const all = typeof options === 'object' && options !== null && options.all === true;
  process.nextTick(() => (all ? callback(null, [LOOPBACK]) : callback(null, LOOPBACK.address, LOOPBACK.family)));
  return {};
}
dns.lookup = /** @type {typeof dns.lookup} */ (/** @type {unknown} */ (lookup));

const originalPromisesLookup = /** @type {Untyped} */ (dns.promises.lookup);
/** @param {string} hostname @param {any} [options] */
async function promisesLookup(hostname, options) {
  if (!ours(hostname)) return originalPromisesLookup.call(dns.promises, hostname, options);
  const all = typeof options === 'object' && options !== null && options.all === true;
  return all ? [LOOPBACK] : { ...LOOPBACK };
}
dns.promises.lookup = /** @type {typeof dns.promises.lookup} */ (/** @type {unknown} */ (promisesLookup));

// Named ESM imports (`import { lookup } from 'node:dns'`) see the patched functions too.
syncBuiltinESMExports();
